// A lane group: G low-bit lanes (add / subtract / skip) reduced by an adder tree, plus the
// group's one shared outlier MAC for the lanes whose weight is high-precision.
//
// The low path starts one stage early: the lanes and the first adder level (sums of PC
// lanes) work on the beat waiting in the tile's stage A (lo_act, lo_codes, lo_skip) and are
// registered when the beat enters the array (`load`); the rest of the adder tree runs in the
// array's stage B. This keeps the decode, the lane add/subtract and one adder level out of
// stage B (the UP5K critical path after the merge) without adding a cycle. The low sum is
// only taken in a beat's first cycle, so the registered partials need no hold logic.
`include "pe_widths.vh"
`default_nettype none
module lane_group #(
    parameter LO  = 2,
    parameter HI  = 8,
    parameter G   = 32,
    parameter M   = 32,
    parameter N   = 1,
    parameter GIB = 0,
    parameter OPORT = 0
) (
    input  wire                 clk,
    input  wire                 load,
    input  wire                 hold,
    input  wire [G*8-1:0]       lo_act,     // stage A: the next beat's activations
    input  wire [G*LO-1:0]      lo_codes,   // stage A: its low codes
    input  wire [G-1:0]         lo_skip,    // stage A: its high-precision lanes
    input  wire [G*8-1:0]       act,        // stage B: the beat in the array (outlier path)
    input  wire [7:0]           oact,       // OPORT = 1: the outlier's activation
    input  wire [G-1:0]         skip,       // stage B: high-precision lanes (markers)
    input  wire [`PE_CW(M)-1:0] rank0,
    input  wire [N*HI-1:0]      slot_val,
    input  wire [N*`PE_P(M)-1:0] slot_pos,
    input  wire [N-1:0]         slot_used,
    output wire signed [`PE_SUMW(`PE_LW(LO), G)-1:0] lo_sum,
    output wire signed [`PE_HPW(HI)-1:0] hi_prod
);
    localparam LW  = `PE_LW(LO);             // width of one lane's product
    localparam SW  = `PE_SUMW(LW, G);        // width of the group's low sum
    // lanes summed before the register: 2 (one adder level) when G is even
    localparam PC  = (G % 2 == 0) ? 2 : 1;
    localparam NP  = G / PC;                 // registered partial sums
    localparam PSW = LW + $clog2(PC);        // width of one partial sum
    localparam TW  = PSW + $clog2(NP);       // width of the stage-B tree's sum (>= SW)

    wire [G*LW-1:0]   lane_prod;
    wire [G-1:0]      lane_carry;
    wire [NP*PSW-1:0] part;
    wire [NP-1:0]     part_carry;            // each pair's carry not yet added
    reg  [NP*PSW-1:0] part_q;
    reg  [NP-1:0]     part_carry_q;
    genvar j;
    generate
        for (j = 0; j < G; j = j + 1) begin : g_lane
            pe_lowbit #(.LO(LO)) u_pe (
                .act(lo_act[j*8 +: 8]), .code(lo_codes[j*LO +: LO]), .skip(lo_skip[j]),
                .prod(lane_prod[j*LW +: LW]), .carry(lane_carry[j]));
        end
        for (j = 0; j < NP; j = j + 1) begin : g_part
            adder_tree_ci #(.N(PC), .W(LW)) u_pre (
                .in(lane_prod[j*PC*LW +: PC*LW]), .ci(lane_carry[j*PC +: PC]),
                .sum(part[j*PSW +: PSW]), .co(part_carry[j]));
        end
    endgenerate

    always @(posedge clk)
        if (load) begin
            part_q       <= part;
            part_carry_q <= part_carry;
        end

    // the rest of the tree takes the pairs' carries on its adders' carry-ins, the last one
    // after the root
    wire signed [TW-1:0] tree_sum;
    wire                 tree_co;
    adder_tree_ci #(.N(NP), .W(PSW)) u_tree (
        .in(part_q), .ci(part_carry_q), .sum(tree_sum), .co(tree_co));
    wire signed [TW-1:0] group_sum = tree_sum + {{(TW-1){1'b0}}, tree_co};
    assign lo_sum = group_sum[SW-1:0];       // the exact sum of G lanes fits SW bits
    generate
        if (TW > SW) begin : g_wide
            wire unused_top = ^group_sum[TW-1:SW];
        end
    endgenerate

    outlier_mac #(.LO(LO), .HI(HI), .G(G), .M(M), .N(N), .GIB(GIB), .OPORT(OPORT)) u_outlier (
        .clk(clk), .load(load), .hold(hold), .act(act), .oact(oact), .marker(skip),
        .rank0(rank0),
        .slot_val(slot_val), .slot_pos(slot_pos), .slot_used(slot_used),
        .prod(hi_prod));
endmodule
`default_nettype wire
