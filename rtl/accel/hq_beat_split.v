// The tile path of the decoders' beats (docs/rtl-accel.md): takes a decoder's wide beat
// (LANES / M blocks of M low codes of CL bits, two's complement, the marker -2^(CL-1)
// flagging a high weight, and M slots holding the high values in position order: the
// `block` format with N = M) and gives the tile sub-beats of its own format (LO = 2 ternary
// codes, one slot per block) against the same activation beat (s_wgt_more).
// High weights: sub-beat k carries each block's k-th high weight (its marker at its lane,
// its value in slot 0). Low codes: the tile's lanes take -1, 0, +1, so a code c of `lo` bits
// goes as the ternary digits sign(c) x bit d of |c|, digit d in sub-beat d with the low
// sum shifted d more (`out_shift`, the tile's s_wgt_shift): D = 1 digit for lo 1 or 2, 2 for
// lo 3 (|c| <= 3), 3 for lo 4 (|c| <= 7). A beat thus takes max(D, max(1, max over blocks of
// h_b)) tile cycles: for lo <= 2 the model's lanegroup rule 1 + max over groups of
// max(0, h_g - 1) for groups of M lanes (G = M, N = 1, the configurations the accelerator
// is built with), plus D - 1 digit cycles for 3- and 4-bit codes.
`include "pe_widths.vh"
`default_nettype none
module hq_beat_split #(
    parameter LANES = 64,
    parameter M     = 32,
    parameter CL    = 4,                   // code bits of the wide beat
    parameter LO    = 2,                   // the tile's code bits (ternary)
    parameter HI    = 8
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream
    input  wire [2:0]  lo,                 // the layer's lo bits: its digit count
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [`PE_WBEAT(0, LANES, CL, HI, M, M)-1:0] in_data,
    input  wire        in_last,
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(0, LANES, LO, HI, M, 1)-1:0] out_data,
    output wire        out_last,
    output wire        out_more,           // more sub-beats of this beat follow
    output wire [1:0]  out_shift           // the sub-beat's digit: its low sum's extra shift
);
    localparam NBLK = LANES / M;
    localparam BBW  = `PE_BBYTES(CL, HI, M, M);    // bytes of a wide block
    localparam BBN  = `PE_BBYTES(LO, HI, M, 1);    // bytes of a tile block
    localparam KW   = $clog2(M + 1);
    localparam [LO-1:0] MARKER  = {1'b1, {(LO-1){1'b0}}};
    localparam [CL-1:0] WMARKER = {1'b1, {(CL-1){1'b0}}};
    localparam [LO-1:0] PLUS    = {{(LO-1){1'b0}}, 1'b1};   // ternary +1 and -1
    localparam [LO-1:0] MINUS   = {LO{1'b1}};

    // digit sub-beats of the layer's low codes
    localparam [KW-1:0] ONE = 1, TWO = 2, THREE = 3;
    wire [KW-1:0] digits = (lo == 3'd4) ? THREE : (lo == 3'd3) ? TWO : ONE;
    wire          digit_more = k + ONE < digits;

    reg  [LANES-1:0] served;               // high weights already sent in a sub-beat
    reg  [KW-1:0]    k;                    // sub-beat index within the beat
    reg  [LANES-1:0] first;                // each block's high weight of this sub-beat
    reg  [LANES-1:0] mk;
    reg              more;
    reg  [M-1:0]     pend;
    reg              found;
    reg  [CL-1:0]    c;
    reg  [CL-1:0]    mag;                  // |c|
    integer b, j;
    always @* begin
        out_data = {`PE_WBEAT(0, LANES, LO, HI, M, 1){1'b0}};
        more = digit_more;
        first = {LANES{1'b0}};
        mk = {LANES{1'b0}};
        pend = {M{1'b0}};
        found = 1'b0;
        c = {CL{1'b0}};
        mag = {CL{1'b0}};
        for (b = 0; b < NBLK; b = b + 1) begin
            for (j = 0; j < M; j = j + 1)
                mk[b*M + j] = in_data[b*BBW*8 + j*CL +: CL] == WMARKER;
            pend = mk[b*M +: M] & ~served[b*M +: M];
            // the lowest pending marker is this sub-beat's; any other pending one needs more
            found = 1'b0;
            for (j = 0; j < M; j = j + 1)
                if (pend[j]) begin
                    if (found) more = 1'b1;
                    else first[b*M + j] = 1'b1;
                    found = 1'b1;
                end
            for (j = 0; j < M; j = j + 1) begin
                c = in_data[b*BBW*8 + j*CL +: CL];
                mag = c[CL-1] ? -c : c;
                out_data[b*BBN*8 + j*LO +: LO] =
                    first[b*M + j] ? MARKER
                    : (mk[b*M + j] || k >= digits || !mag[k[1:0]]) ? {LO{1'b0}}
                    : c[CL-1] ? MINUS : PLUS;
            end
            if (found)
                out_data[b*BBN*8 + M*LO +: HI] = in_data[b*BBW*8 + M*CL + k*HI +: HI];
        end
    end

    assign out_valid = in_valid;
    assign out_more  = more;
    assign out_last  = in_last && !more;
    assign in_ready  = out_ready && !more;
    assign out_shift = (k < digits) ? k[1:0] : 2'd0;

    always @(posedge clk) begin
        if (clear) begin
            served <= {LANES{1'b0}};
            k      <= {KW{1'b0}};
        end else if (in_valid && out_ready) begin
            served <= more ? (served | first) : {LANES{1'b0}};
            k      <= more ? k + 1'b1 : {KW{1'b0}};
        end
    end
endmodule
`default_nettype wire
