// Weight beat store between the weight stream and the tile: keeps a layer's weight beats on
// chip so that they are read from DRAM once per descriptor (per batch), as the model does,
// instead of once per conv position and image. capture: the beats pass through to the tile
// and are stored in order; replay: the stored beats go to the tile again, from the first, and
// the stream is not used. A layer whose beats do not fit (the command unit checks
// rows x beats per row <= DEPTH) streams as before (neither mode); `over` tells that a
// capture passed DEPTH beats (a beat split into sub-beats takes one entry per sub-beat), so
// the store does not hold the layer and the next pass streams again.
`default_nettype none
module hq_wgt_replay #(
    parameter W     = 512,                 // bits of one weight beat
    parameter DEPTH = 256                  // beats held
) (
    input  wire         clk,
    input  wire         capture,           // store the beats that pass (from the first)
    input  wire         replay,            // send the stored beats instead of the stream
    input  wire         restart,           // the next beat stored / replayed is the first
    output reg          over,              // this capture had more beats than DEPTH
    // from the weight stream
    input  wire         s_valid,
    output wire         s_ready,
    input  wire [W-1:0] s_data,
    input  wire         s_last,
    // to the tile
    output wire         m_valid,
    input  wire         m_ready,
    output wire [W-1:0] m_data,
    output wire         m_last
);
    localparam AW = $clog2(DEPTH);
    reg [W:0]    mem [0:DEPTH-1];          // {last, data}
    reg [W:0]    first;                    // beat 0, for the replay that starts with restart
    reg [W:0]    rd_q;                     // registered read: the beat at idx
    reg [AW:0]   idx;                      // next beat stored or replayed
    wire [AW:0]  cur = restart ? {(AW+1){1'b0}} : idx;
    // block-RAM shaped (docs/fpga.md): one write port and one registered read port that
    // reads the next cycle's beat; beat 0 comes from its own register, as restart arrives in
    // the cycle the replay starts
    wire [W:0]   rd = (cur == {(AW+1){1'b0}}) ? first : rd_q;
    assign m_valid = replay ? 1'b1 : s_valid;
    assign m_data  = replay ? rd[W-1:0] : s_data;
    assign m_last  = replay ? rd[W] : s_last;
    assign s_ready = !replay && m_ready;
    wire fire = m_valid && m_ready;
    wire [AW:0]  nxt = (fire && (capture || replay)) ? cur + 1'b1 : cur;
    wire store = fire && capture && !replay && cur < DEPTH;

    always @(posedge clk) begin
        idx <= nxt;
        if (store)
            mem[cur[AW-1:0]] <= {s_last, s_data};
        over <= (restart ? 1'b0 : over) | (fire && capture && !replay && cur >= DEPTH);
        if (store && cur == {(AW+1){1'b0}})
            first <= {s_last, s_data};
        rd_q <= mem[nxt[AW-1:0]];
    end
endmodule
`default_nettype wire
