// Byte gearbox: repacks the read engine's bus words (IB bytes, a valid byte range per word)
// into beats of OB bytes, cut into segments of SEG bytes: a segment's last beat takes only the
// segment's remaining bytes and is zero-padded (the activation vector's tail past K, a weight
// row's tail past its last block). The input is the segments back to back, as they lie in
// memory (rows of `dense` and `block` are contiguous). out_last marks a segment's last beat.
//
// Simulation speed (docs/rtl-accel.md, "Speed"): the wide buffer is only updated inside the
// clocked block, with word-wide shifts and masks instead of byte loops, so that Verilator
// evaluates it once per clock edge; the logic combinational from the inputs (in_data) is the
// one IB-byte word.
`default_nettype none
module hq_gearbox #(
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
    reg  [CAP*8-1:0] buffer;               // byte 0 is the oldest; zero from byte `fill` on
    reg  [FW-1:0]    fill;
    reg  [31:0]      seg, seg_left;
    wire [31:0]      take32 = (seg_left < OB) ? seg_left : OB;
    wire [FW-1:0]    take = take32[FW-1:0];
    assign out_valid = !clear && fill >= take && take != 0;
    localparam [31:0]   ROOM32 = OB + IB;
    localparam [FW-1:0] ROOM = ROOM32[FW-1:0];
    assign in_ready  = !clear && fill <= ROOM;
    assign out_last  = (seg_left <= OB);

    // the output beat: the first `take` bytes, zero past them (a shift past the width gives 0,
    // so take = OB keeps every byte)
    localparam [OB*8-1:0]  OB_ONES  = {(OB*8){1'b1}};
    localparam [IB*8-1:0]  IB_ONES  = {(IB*8){1'b1}};
    assign out_data = buffer[OB*8-1:0] & ~(OB_ONES << (take * 8));

    wire             fire_o = out_valid && out_ready;
    wire             fire_i = in_valid && in_ready;
    wire [FW-1:0]    left   = fire_o ? fill - take : fill;
    // the word's valid bytes at byte 0, zero above them
    wire [IB*8-1:0]  word   = (in_data >> (in_lo * 8)) & ~(IB_ONES << (in_n * 8));

    always @(posedge clk) begin
        if (clear) begin
            fill     <= {FW{1'b0}};
            seg      <= seg_bytes;
            seg_left <= seg_bytes;
            buffer   <= {(CAP*8){1'b0}};
        end else begin
            // the bytes kept (a beat leaves from byte 0), the word above them; the bytes at and
            // above `fill` are zero (clear zeroes them, every update keeps them), so no mask
            if (fire_o || fire_i)
                buffer <= (fire_o ? buffer >> (take * 8) : buffer)
                          | (fire_i ? {{((CAP - IB) * 8){1'b0}}, word} << (left * 8)
                                    : {(CAP*8){1'b0}});
            fill   <= left + (fire_i ? {{(FW-IW){1'b0}}, in_n} : {FW{1'b0}});
            if (fire_o)
                seg_left <= out_last ? seg : seg_left - take32;
        end
    end
endmodule
`default_nettype wire
