// The split PE array (OLAccel style, docs/pe-array.md "The split array"): LANES low-bit lanes
// and a high-precision unit of HMACS int8 x uint8 MACs. A beat is LANES weights of one row in
// the decoders' beat format: LANES / M blocks of M signed 4-bit low codes (the marker -8 flags
// a high weight) and M slots holding the block's high values in position order (the `block`
// format with LO = 4, N = M). The low lanes multiply every non-marker code by its activation
// (a 4-bit x 8-bit product: low codes of 1 to 4 bits in one cycle); the high unit takes the
// beat's high weights in position order, HMACS per cycle: pass p serves the high weights of
// beat rank [p * HMACS, (p + 1) * HMACS). The tile holds the beat for
// max(1, ceil(h / HMACS)) cycles (split_passes.v counts them), the model's split rule.
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
    localparam MW  = $clog2(M + 1);              // its rank in its block
    localparam [RW:0] HM = HMACS[RW:0];

    reg  [3:0]         c;
    reg  [RW:0]        rank, base;
    reg  [MW-1:0]      brank;
    reg  signed [HI-1:0] v;
    reg  signed [HI+8:0] prod;
    integer b, j;
    always @* begin
        lo_sum = 0;
        hi_sum = 0;
        prod = 0;
        rank = {(RW+1){1'b0}};
        base = {1'b0, pass} * HM;
        for (b = 0; b < NB; b = b + 1) begin
            brank = {MW{1'b0}};
            for (j = 0; j < M; j = j + 1) begin
                c = wgt[b*BBW*8 + j*4 +: 4];
                v = wgt[b*BBW*8 + M*4 + brank*HI +: HI];
                if (c == 4'b1000) begin
                    // high weight: one of this pass's HMACS products when its rank is in range
                    prod = v * $signed({1'b0, act[(b*M + j)*8 +: 8]});
                    if (rank >= base && rank < base + HM)
                        hi_sum = hi_sum + prod;
                    rank = rank + 1'b1;
                    brank = brank + 1'b1;
                end else begin
                    lo_sum = lo_sum + $signed(c) * $signed({1'b0, act[(b*M + j)*8 +: 8]});
                end
            end
        end
    end
endmodule
`default_nettype wire
