// AXI4 read engine: one command (byte address, byte length) at a time, split into INCR
// bursts of at most 256 beats that never cross a 4 KiB boundary, up to MAX_OUT bursts in
// flight. The data leaves as bus words with their valid byte range (the first word starts at
// addr % BPW, the last ends with the command). A read past 4 GiB is refused without a burst;
// an error response (SLVERR/DECERR) makes the rest of the command's data dropped, the bursts
// in flight drained, and err/err_addr (the failing beat's address) set until the next command.
`default_nettype none
module hq_axi_rd #(
    parameter DW      = 64,
    parameter MAX_OUT = 4                  // bursts in flight (>= 2)
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          cmd_valid,        // taken when idle
    input  wire [31:0]   cmd_addr,
    input  wire [31:0]   cmd_len,          // >= 1
    output wire          idle,
    output reg           err,
    output reg  [31:0]   err_addr,
    output wire          o_valid,
    input  wire          o_ready,
    output wire [DW-1:0] o_data,
    output wire [$clog2(DW / 8):0] o_lo,   // byte index / count of a bus word
    output wire [$clog2(DW / 8):0] o_n,
    output wire          stall,            // the consumer waits for read data
    // AXI4 read channels
    output reg  [31:0]   m_araddr,
    output reg  [7:0]    m_arlen,
    output wire [2:0]    m_arsize,
    output wire [1:0]    m_arburst,
    output reg           m_arvalid,
    input  wire          m_arready,
    input  wire [DW-1:0] m_rdata,
    input  wire [1:0]    m_rresp,
    input  wire          m_rlast,
    input  wire          m_rvalid,
    output wire          m_rready
);
    localparam BPW = DW / 8;               // bytes per bus word
    localparam IW  = $clog2(BPW) + 1;      // width of o_lo and o_n
    localparam SH = $clog2(BPW);
    localparam OW = $clog2(MAX_OUT + 1);
    assign m_arsize  = SH[2:0];
    assign m_arburst = 2'b01;

    reg         active;
    reg [31:0]  next_addr;                 // next burst (bus-word aligned)
    reg [32:0]  beats_left;                // beats not yet requested
    reg [31:0]  bytes_left;                // bytes not yet delivered
    reg [31:0]  beat_addr;                 // address of the next data beat
    reg         first;                     // the next data beat is the command's first
    reg [SH:0]  lo0;                       // addr % BPW of the command
    reg [OW-1:0] in_flight;                // bursts requested, last beat not yet received
    reg [31:0]  cmd_addr_q;                // the command's address (error report)

    // next burst: up to 256 beats, up to the 4 KiB boundary
    wire [12:0] to_page = 13'd4096 - {1'b0, next_addr[11:0]};
    wire [32:0] page_beats = {20'd0, to_page >> SH};
    wire [32:0] lim = (page_beats < 33'd256) ? page_beats : 33'd256;
    wire [32:0] burst = (beats_left < lim) ? beats_left : lim;

    wire fire_ar = m_arvalid && m_arready;
    wire fire_r  = m_rvalid && m_rready;
    wire bad     = m_rresp != 2'b00;
    assign m_rready = active && (err || o_ready);
    assign o_valid  = active && !err && m_rvalid && !bad;
    assign o_data   = m_rdata;
    wire [SH:0] lo_now = first ? lo0 : {(SH+1){1'b0}};
    wire [32:0] room   = {{(32-SH){1'b0}}, BPW[SH:0] - lo_now};
    wire [32:0] n_now  = ({1'b0, bytes_left} < room) ? {1'b0, bytes_left} : room;
    assign o_lo  = lo_now[IW-1:0];
    assign o_n   = n_now[IW-1:0];
    assign idle  = !active;
    assign stall = active && !err && o_ready && !m_rvalid;

    wire [32:0] end33 = {1'b0, cmd_addr} + {1'b0, cmd_len};
    wire [31:0] start = {cmd_addr[31:SH], {SH{1'b0}}};
    wire [32:0] words = ({1'b0, cmd_len} + {{(32-SH){1'b0}}, 1'b0, cmd_addr[SH-1:0]}
                         + BPW - 1) >> SH;

    always @(posedge clk) begin
        if (rst) begin
            active    <= 1'b0;
            m_arvalid <= 1'b0;
            err       <= 1'b0;
            err_addr  <= 32'd0;
            in_flight <= {OW{1'b0}};
        end else if (!active) begin
            if (cmd_valid) begin
                err <= 1'b0;
                err_addr <= 32'd0;
                if (end33[32] && end33[31:0] != 32'd0) begin
                    err      <= 1'b1;       // would run past 4 GiB
                    err_addr <= cmd_addr;
                end else begin
                    active     <= 1'b1;
                    next_addr  <= start;
                    beat_addr  <= start;
                    beats_left <= words;
                    bytes_left <= cmd_len;
                    first      <= 1'b1;
                    lo0        <= {1'b0, cmd_addr[SH-1:0]};
                    cmd_addr_q <= cmd_addr;
                end
            end
        end else begin
            // address channel: hold the request until it is taken (payload stable)
            if (fire_ar) begin
                m_arvalid  <= 1'b0;
                next_addr  <= next_addr + ({24'd0, m_arlen} + 32'd1) * BPW;
            end else if (!m_arvalid && !err && beats_left != 33'd0 &&
                         in_flight < MAX_OUT[OW-1:0]) begin
                m_araddr   <= next_addr;
                m_arlen    <= burst[7:0] - 8'd1;
                m_arvalid  <= 1'b1;
                beats_left <= beats_left - burst;
            end
            in_flight <= in_flight + {{(OW-1){1'b0}}, fire_ar}
                                   - {{(OW-1){1'b0}}, fire_r && m_rlast};
            if (fire_r) begin
                beat_addr <= beat_addr + BPW;
                first     <= 1'b0;
                if (!err) begin
                    if (bad) begin
                        err        <= 1'b1;
                        err_addr   <= first ? cmd_addr_q : beat_addr;
                    end else begin
                        bytes_left <= bytes_left - n_now[31:0];
                    end
                end
            end
            // done: everything requested has arrived (after an error: the bursts drained)
            if ((beats_left == 33'd0 || err) && !m_arvalid && in_flight == {OW{1'b0}} &&
                !fire_ar)
                active <= 1'b0;
        end
    end
    wire unused_n = n_now[32];
endmodule
`default_nettype wire
