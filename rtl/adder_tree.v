// Balanced combinational adder tree over N signed W-bit operands packed in `in`
// (operand i at bits [i*W, (i+1)*W)). Each level grows the width by one bit, so the sum is
// exact. Written recursively so that any N works; widths stay minimal at every level.
`default_nettype none
module adder_tree #(
    parameter N  = 2,
    parameter W  = 8,
    parameter OW = W + $clog2(N)  // derived: do not override
) (
    input  wire [N*W-1:0]       in,
    output wire signed [OW-1:0] sum
);
    generate
        if (N == 1) begin : g_leaf
            assign sum = in;
        end else begin : g_node
            localparam NA = N / 2;
            localparam NB = N - NA;
            localparam WA = W + $clog2(NA);
            localparam WB = W + $clog2(NB);
            wire signed [WA-1:0] sa;
            wire signed [WB-1:0] sb;
            adder_tree #(.N(NA), .W(W)) u_a (.in(in[NA*W-1:0]), .sum(sa));
            adder_tree #(.N(NB), .W(W)) u_b (.in(in[N*W-1:NA*W]), .sum(sb));
            assign sum = {{(OW-WA){sa[WA-1]}}, sa} + {{(OW-WB){sb[WB-1]}}, sb};
        end
    endgenerate
endmodule
`default_nettype wire
