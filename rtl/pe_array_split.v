// The split PE array (OLAccel style, docs/pe-array.md "The split array"): LANES low-bit lanes
// and a high-precision unit of HMACS int8 x uint8 MACs. A beat is LANES weights of one row in
// the decoders' beat format: LANES / M blocks of M signed 4-bit low codes (the marker -8 flags
// a high weight) and M slots holding the block's high values in position order (the `block`
// format with LO = 4, N = M). The low lanes multiply every non-marker code by its activation
// (a 4-bit x 8-bit product: low codes of 1 to 4 bits in one cycle); the high unit takes the
// beat's high weights in position order, HMACS per cycle: pass p serves the high weights of
// beat rank [p * HMACS, (p + 1) * HMACS). The tile holds the beat for
// max(1, ceil(h / HMACS)) cycles (split_passes.v counts them), the model's split rule.
// Every select is a compare with a constant position (no variable part-select of the beat:
// each would be a shifter as wide as the beat): MAC j takes the activation of the lane whose
// marker rank is p * HMACS + j, and the value of the slot whose beat rank (the markers of
// the blocks before it plus its index) is that rank.
// Outputs are combinational on the beat in the array; the low sum is used in the beat's first
// cycle, the high sum in every cycle (each pass's products).
`include "pe_widths.vh"
`default_nettype none
module pe_array_split #(
    parameter LANES = 64,
    parameter M     = 32,
    parameter HI    = 8,
    parameter HMACS = 2
) (
    input  wire [`PE_WBEAT(0, LANES, 4, HI, M, M)-1:0] wgt,
    input  wire [LANES*8-1:0]    act,
    input  wire [$clog2(LANES + 1)-1:0] pass,    // the beat's cycle: which high weights
    output reg  signed [`PE_LSW(4, LANES)-1:0]        lo_sum,
    output reg  signed [`PE_SUMW(`PE_HPW(HI), HMACS)-1:0] hi_sum
);
    localparam NB  = LANES / M;                  // blocks per beat
    localparam BBW = `PE_BBYTES(4, HI, M, M);    // bytes of a block
    localparam RW  = $clog2(LANES + 1);          // a high weight's rank in the beat
    localparam [RW:0] HM = HMACS[RW:0];

    reg  [3:0]           c;
    reg  [LANES-1:0]     mk;                     // the markers
    reg  [RW:0]          rank;                   // markers before the lane
    reg  [RW:0]          blk0;                   // markers before the block
    reg  [RW:0]          hb;                     // markers of the block
    reg  [RW:0]          base, want;
    reg  [7:0]           a_sel;
    reg  [HI-1:0]        v_sel;
    integer b, i, j;
    always @* begin
        lo_sum = 0;
        hi_sum = 0;
        for (i = 0; i < LANES; i = i + 1) begin
            c = wgt[(i / M)*BBW*8 + (i % M)*4 +: 4];
            mk[i] = c == 4'b1000;
            if (!mk[i])
                lo_sum = lo_sum + $signed(c) * $signed({1'b0, act[i*8 +: 8]});
        end
        base = {1'b0, pass} * HM;
        for (j = 0; j < HMACS; j = j + 1) begin
            want = base + j[RW:0];
            a_sel = 8'd0;
            v_sel = {HI{1'b0}};
            rank = {(RW+1){1'b0}};
            for (b = 0; b < NB; b = b + 1) begin
                blk0 = rank;
                hb = {(RW+1){1'b0}};
                for (i = 0; i < M; i = i + 1)
                    hb = hb + {{RW{1'b0}}, mk[b*M + i]};
                for (i = 0; i < M; i = i + 1) begin
                    // slot i of block b holds the block's i-th high value (used: i < hb)
                    if (i[RW:0] < hb && blk0 + i[RW:0] == want)
                        v_sel = v_sel | wgt[b*BBW*8 + M*4 + i*HI +: HI];
                    if (mk[b*M + i]) begin
                        if (rank == want) a_sel = act[(b*M + i)*8 +: 8];
                        rank = rank + 1'b1;
                    end
                end
            end
            // past the beat's last high weight nothing matches: the product is 0
            hi_sum = hi_sum + $signed(v_sel) * $signed({1'b0, a_sel});
        end
    end
endmodule
`default_nettype wire
