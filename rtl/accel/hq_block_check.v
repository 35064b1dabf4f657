// Content checks of the weight beats entering the tile, as the model's decoders refuse them
// with ERR_WEIGHTS (model/accel/block_decoder.cpp, dense_decoder.cpp). Only the columns of
// the layer (< K) count: the gearbox zero-pads a row's last beat, and the model ignores a
// block's padding weights.
//   UNIFORM = 1 (`dense` int8): a weight of -2^(HI-1) is off the grid.
//   LO >= 2 (`block`): more markers in a block than N; a used slot holding 0 or -2^(HI-1);
//                      an unused slot that is not 0.
//   LO = 1  (`block`): a used slot (value != 0) at a position >= the block's valid weights,
//                      holding -2^(HI-1), or at the position of an earlier used slot.
// `bad` is sticky until `clear` (the command unit clears it with each weight stream). On the
// lane-group array the rules are the `block` layout's (blk_rules); the other layouts' beats
// come from decoders that check their own formats.
// `clean` is the beat for the tile with the low codes past K set to 0 (LO >= 2): the model
// ignores a marker there, the tile would give it an outlier slot.
`include "pe_widths.vh"
`default_nettype none
module hq_block_check #(
    parameter UNIFORM = 0,
    parameter LANES   = 64,
    parameter M       = 32,
    parameter N       = 1,
    parameter LO      = 2,
    parameter HI      = 8
) (
    input  wire        clk,
    input  wire        clear,
    input  wire [15:0] cols,               // K
    input  wire        fire,               // a weight beat enters the tile
    input  wire        blk_rules,          // the `block` layout: its content rules apply
    input  wire [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] data,
    input  wire        last,               // the row's last beat
    input  wire        more,               // a sub-beat: the next one has the same columns
    output reg         bad,
    output reg  [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] clean
);
    localparam NBLK  = (UNIFORM != 0) ? 1 : LANES / M;
    localparam BBY   = `PE_BBYTES(LO, HI, M, N);
    localparam P     = `PE_P(M);
    localparam [HI-1:0] HMIN = {1'b1, {(HI-1){1'b0}}};   // -2^(HI-1): never a weight
    reg [15:0] beat;                       // beat index within the row

    // markers counted by an adder tree (pop64), not one increment per lane: the serial count
    // was the board top's critical path (125.8 ns on the LFE5U-85F, docs/fpga.md)
    `include "hq_popcount.vh"

    reg        err;
    reg [31:0] col;                        // column of the weight looked at
    reg [31:0] marks;
    reg [63:0] mk;                         // the block's markers within K (M <= 64)
    reg [HI-1:0] v;
    reg [P:0]    pos;
    integer b, j, s, t;
    always @* begin
        err = 1'b0;
        col = 32'd0;
        marks = 32'd0;
        v = {HI{1'b0}};
        pos = {(P+1){1'b0}};
        mk = 64'd0;
        clean = data;
        if (UNIFORM != 0) begin
            for (j = 0; j < LANES; j = j + 1) begin
                col = {16'd0, beat} * LANES + j;
                if (col < {16'd0, cols} && data[j*HI +: HI] == HMIN) err = 1'b1;
            end
        end else begin
            for (b = 0; b < NBLK; b = b + 1) begin
                if (LO >= 2) begin
                    mk = 64'd0;
                    for (j = 0; j < M; j = j + 1) begin
                        col = {16'd0, beat} * LANES + b * M + j;
                        mk[j] = col < {16'd0, cols} &&
                                data[b*BBY*8 + j*LO +: LO] == {1'b1, {(LO-1){1'b0}}};
                        if (col >= {16'd0, cols}) clean[b*BBY*8 + j*LO +: LO] = {LO{1'b0}};
                    end
                    marks = {25'd0, pop64(mk)};
                    if (marks > N) err = 1'b1;
                    for (s = 0; s < N; s = s + 1) begin
                        v = data[b*BBY*8 + M*LO + s*HI +: HI];
                        if (s < marks && (v == {HI{1'b0}} || v == HMIN)) err = 1'b1;
                        if (s >= marks && v != {HI{1'b0}}) err = 1'b1;
                    end
                end else begin
                    for (s = 0; s < N; s = s + 1) begin
                        v = data[b*BBY*8 + M + s*(P+HI) + P +: HI];
                        pos = {1'b0, data[b*BBY*8 + M + s*(P+HI) +: P]};
                        col = {16'd0, beat} * LANES + b * M + {{(31-P){1'b0}}, pos};
                        if (v != {HI{1'b0}} && (col >= {16'd0, cols} || v == HMIN)) err = 1'b1;
                        for (t = 0; t < s; t = t + 1)
                            if (v != {HI{1'b0}} &&
                                data[b*BBY*8 + M + t*(P+HI) + P +: HI] != {HI{1'b0}} &&
                                data[b*BBY*8 + M + t*(P+HI) +: P] == pos[P-1:0])
                                err = 1'b1;
                    end
                end
            end
        end
    end

    always @(posedge clk) begin
        if (clear) begin
            bad  <= 1'b0;
            beat <= 16'd0;
        end else if (fire) begin
            if (err && (blk_rules || UNIFORM != 0)) bad <= 1'b1;
            beat <= last ? 16'd0 : more ? beat : beat + 16'd1;
        end
    end
endmodule
`default_nettype wire
