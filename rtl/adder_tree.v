// Balanced combinational adder tree over N signed W-bit operands packed in `in`
// (operand i at bits [i*W, (i+1)*W)). Each level grows the width by one bit, so the sum is
// exact. The tree with no carry bits: adder_tree_ci.v with every carry-in 0.
`include "pe_widths.vh"
`default_nettype none
module adder_tree #(
    parameter N  = 2,
    parameter W  = 8
) (
    input  wire [N*W-1:0]                    in,
    output wire signed [`PE_SUMW(W, N)-1:0]  sum
);
    wire co;  // always 0: no carry goes in
    adder_tree_ci #(.N(N), .W(W)) u_tree (.in(in), .ci({N{1'b0}}), .sum(sum), .co(co));
    wire unused_co = co;
endmodule
`default_nettype wire
