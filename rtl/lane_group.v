// A lane group: G low-bit lanes (add / subtract / skip) reduced by an adder tree, plus the
// group's one shared outlier MAC for the lanes whose weight is high-precision.
`default_nettype none
module lane_group #(
    parameter LO  = 2,
    parameter HI  = 8,
    parameter G   = 32,
    parameter M   = 32,
    parameter N   = 1,
    parameter GIB = 0,
    parameter OPORT = 0,
    parameter LW  = (LO <= 2) ? 9 : 8 + LO,  // width of one lane's product
    parameter P   = $clog2(M),
    parameter CW  = $clog2(M + 1),
    parameter SW  = LW + $clog2(G)           // derived: width of the group's low sum
) (
    input  wire                 clk,
    input  wire                 load,
    input  wire                 hold,
    input  wire [G*8-1:0]       act,
    input  wire [7:0]           oact,       // OPORT = 1: the outlier's activation
    input  wire [G*LO-1:0]      codes,
    input  wire [G-1:0]         skip,
    input  wire [CW-1:0]        rank0,
    input  wire [N*HI-1:0]      slot_val,
    input  wire [N*P-1:0]       slot_pos,
    input  wire [N-1:0]         slot_used,
    output wire signed [SW-1:0] lo_sum,
    output wire signed [HI+8:0] hi_prod
);
    wire [G*LW-1:0] lane_prod;
    wire [G-1:0]    lane_carry;
    genvar j;
    generate
        for (j = 0; j < G; j = j + 1) begin : g_lane
            pe_lowbit #(.LO(LO), .OW(LW)) u_pe (
                .act(act[j*8 +: 8]), .code(codes[j*LO +: LO]), .skip(skip[j]),
                .prod(lane_prod[j*LW +: LW]), .carry(lane_carry[j]));
        end
    endgenerate

    wire signed [SW-1:0] tree_sum;
    wire                 tree_co;
    adder_tree_ci #(.N(G), .W(LW)) u_tree (
        .in(lane_prod), .ci(lane_carry), .sum(tree_sum), .co(tree_co));
    assign lo_sum = tree_sum + {{(SW-1){1'b0}}, tree_co};

    outlier_mac #(.LO(LO), .HI(HI), .G(G), .M(M), .N(N), .GIB(GIB), .OPORT(OPORT)) u_outlier (
        .clk(clk), .load(load), .hold(hold), .act(act), .oact(oact), .marker(skip),
        .rank0(rank0),
        .slot_val(slot_val), .slot_pos(slot_pos), .slot_used(slot_used),
        .prod(hi_prod));
endmodule
`default_nettype wire
