// The tile path for blocks with more high weights than the tile's slots (docs/rtl-accel.md):
// takes a decoder's wide beat (LANES / M blocks of M codes, the marker flagging a high
// weight, and M slots holding the high values in position order: the `block` format with
// N = M) and gives the tile sub-beats of its own format (one slot per block) against the
// same activation beat (s_wgt_more). Sub-beat k carries each block's k-th high weight (its
// marker at its lane, its value in slot 0); the first also carries every low code, the later
// ones low codes 0. A beat thus takes max(1, max over blocks of h_b) tile cycles, the model's
// lanegroup rule 1 + max over groups of max(0, h_g - 1) for groups of M lanes (G = M, N = 1,
// the configurations the accelerator is built with).
`include "pe_widths.vh"
`default_nettype none
module hq_beat_split #(
    parameter LANES = 64,
    parameter M     = 32,
    parameter LO    = 2,
    parameter HI    = 8
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, M)-1:0] in_data,
    input  wire        in_last,
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(0, LANES, LO, HI, M, 1)-1:0] out_data,
    output wire        out_last,
    output wire        out_more            // more sub-beats of this beat follow
);
    localparam NBLK = LANES / M;
    localparam BBW  = `PE_BBYTES(LO, HI, M, M);    // bytes of a wide block
    localparam BBN  = `PE_BBYTES(LO, HI, M, 1);    // bytes of a tile block
    localparam KW   = $clog2(M + 1);
    localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};

    reg  [LANES-1:0] served;               // high weights already sent in a sub-beat
    reg  [KW-1:0]    k;                    // sub-beat index within the beat
    reg  [LANES-1:0] first;                // each block's high weight of this sub-beat
    reg  [LANES-1:0] mk;
    reg              more;
    reg  [M-1:0]     pend;
    reg              found;
    integer b, j;
    always @* begin
        out_data = {`PE_WBEAT(0, LANES, LO, HI, M, 1){1'b0}};
        more = 1'b0;
        first = {LANES{1'b0}};
        mk = {LANES{1'b0}};
        pend = {M{1'b0}};
        found = 1'b0;
        for (b = 0; b < NBLK; b = b + 1) begin
            for (j = 0; j < M; j = j + 1)
                mk[b*M + j] = in_data[b*BBW*8 + j*LO +: LO] == MARKER;
            pend = mk[b*M +: M] & ~served[b*M +: M];
            // the lowest pending marker is this sub-beat's; any other pending one needs more
            found = 1'b0;
            for (j = 0; j < M; j = j + 1)
                if (pend[j]) begin
                    if (found) more = 1'b1;
                    else first[b*M + j] = 1'b1;
                    found = 1'b1;
                end
            for (j = 0; j < M; j = j + 1)
                out_data[b*BBN*8 + j*LO +: LO] =
                    first[b*M + j] ? MARKER
                    : (k == {KW{1'b0}} && !mk[b*M + j]) ? in_data[b*BBW*8 + j*LO +: LO]
                    : {LO{1'b0}};
            if (found)
                out_data[b*BBN*8 + M*LO +: HI] = in_data[b*BBW*8 + M*LO + k*HI +: HI];
        end
    end

    assign out_valid = in_valid;
    assign out_more  = more;
    assign out_last  = in_last && !more;
    assign in_ready  = out_ready && !more;

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
