// The reference of tests/rtl_gearbox: rtl/accel/hq_gearbox.v as it was before the speed work
// (its byte loops, combinational from the inputs), which the fast one must equal cycle for
// cycle and bit for bit. Not part of the design.
//
// Byte gearbox: repacks the read engine's bus words (IB bytes, a valid byte range per word)
// into beats of OB bytes, cut into segments of SEG bytes: a segment's last beat takes only the
// segment's remaining bytes and is zero-padded (the activation vector's tail past K, a weight
// row's tail past its last block). The input is the segments back to back, as they lie in
// memory (rows of `dense` and `block` are contiguous). out_last marks a segment's last beat.
`default_nettype none
module hq_gearbox_ref #(
    parameter IB = 8,                      // input bytes per word (bus width / 8)
    parameter OB = 64                      // output bytes per beat
) (
    input  wire            clk,
    input  wire            clear,          // drop buffered bytes, latch seg_bytes
    input  wire [31:0]     seg_bytes,      // bytes per segment (>= 1)
    input  wire            in_valid,
    output wire            in_ready,
    input  wire [IB*8-1:0] in_data,
    input  wire [$clog2(IB):0] in_lo,      // (byte index / count of the input word)          // first valid byte of the word
    input  wire [$clog2(IB):0] in_n,           // valid bytes from in_lo on
    output wire            out_valid,
    input  wire            out_ready,
    output wire [OB*8-1:0] out_data,
    output wire            out_last
);
    localparam IW = $clog2(IB) + 1;        // width of a byte index / count of the input word
    // room for one more input word while a full beat waits: no input bubble when a beat leaves
    // in the same cycle (with CAP = IB + OB a non-multiple OB lost every few input cycles)
    localparam CAP = 2 * IB + OB;
    localparam FW  = $clog2(CAP + 1);
    reg  [CAP*8-1:0] buffer;               // byte 0 is the oldest
    reg  [FW-1:0]    fill;
    reg  [31:0]      seg, seg_left;
    wire [31:0]      take32 = (seg_left < OB) ? seg_left : OB;
    wire [FW-1:0]    take = take32[FW-1:0];
    assign out_valid = !clear && fill >= take && take != 0;
    localparam [31:0]   ROOM32 = OB + IB;
    localparam [FW-1:0] ROOM = ROOM32[FW-1:0];
    assign in_ready  = !clear && fill <= ROOM;
    assign out_last  = (seg_left <= OB);

    // the output beat: the first `take` bytes, zero past them
    reg [OB*8-1:0] masked;
    integer i;
    always @* begin
        for (i = 0; i < OB; i = i + 1)
            masked[i*8 +: 8] = (i < take) ? buffer[i*8 +: 8] : 8'd0;
    end
    assign out_data = masked;

    wire             fire_o = out_valid && out_ready;
    wire             fire_i = in_valid && in_ready;
    wire [FW-1:0]    left   = fire_o ? fill - take : fill;
    wire [CAP*8-1:0] kept   = fire_o ? buffer >> (take * 8) : buffer;
    wire [IB*8-1:0]  shifted = in_data >> (in_lo * 8);
    reg  [CAP*8-1:0] word;               // the word's valid bytes, zero above them
    reg  [CAP*8-1:0] merged;
    always @* begin
        word = {(CAP*8){1'b0}};
        merged = {(CAP*8){1'b0}};
        for (i = 0; i < IB; i = i + 1)
            word[i*8 +: 8] = (i < in_n) ? shifted[i*8 +: 8] : 8'd0;
        for (i = 0; i < CAP; i = i + 1)
            merged[i*8 +: 8] = (i < left) ? kept[i*8 +: 8] : 8'd0;
        if (fire_i)
            merged = merged | (word << (left * 8));
    end

    always @(posedge clk) begin
        if (clear) begin
            fill     <= {FW{1'b0}};
            seg      <= seg_bytes;
            seg_left <= seg_bytes;
            buffer   <= {(CAP*8){1'b0}};
        end else begin
            buffer <= merged;
            fill   <= left + (fire_i ? {{(FW-IW){1'b0}}, in_n} : {FW{1'b0}});
            if (fire_o)
                seg_left <= out_last ? seg : seg_left - take32;
        end
    end
endmodule
`default_nettype wire
