// Adder tree over N signed W-bit operands plus N carry bits: sum + co = sum(in) + sum(ci),
// exact. Every adder also adds one carry bit through its carry-in (free on FPGA carry chains),
// so a lane that subtracts can hand over ~a and a carry instead of computing -a = ~a + 1
// itself. A tree of N operands has N - 1 adders, so one carry is left over (co) for the
// adder after the tree.
`include "pe_widths.vh"
`default_nettype none
module adder_tree_ci #(
    parameter N  = 2,
    parameter W  = 9
) (
    input  wire [N*W-1:0]                   in,
    input  wire [N-1:0]                     ci,
    output wire signed [`PE_SUMW(W, N)-1:0] sum,
    output wire                             co
);
    localparam OW = `PE_SUMW(W, N);
    generate
        if (N == 1) begin : g_leaf
            assign sum = in;
            assign co  = ci[0];
        end else begin : g_node
            localparam NA = N / 2;
            localparam NB = N - NA;
            localparam WA = `PE_SUMW(W, NA);
            localparam WB = `PE_SUMW(W, NB);
            wire signed [WA-1:0] sa;
            wire signed [WB-1:0] sb;
            wire                 ca;
            adder_tree_ci #(.N(NA), .W(W)) u_a (
                .in(in[NA*W-1:0]), .ci(ci[NA-1:0]), .sum(sa), .co(ca));
            adder_tree_ci #(.N(NB), .W(W)) u_b (
                .in(in[N*W-1:NA*W]), .ci(ci[N-1:NA]), .sum(sb), .co(co));
            assign sum = {{(OW-WA){sa[WA-1]}}, sa} + {{(OW-WB){sb[WB-1]}}, sb}
                       + {{(OW-1){1'b0}}, ca};
        end
    endgenerate
endmodule
`default_nettype wire
