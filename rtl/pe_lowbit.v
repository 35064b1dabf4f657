// Low-bit PE: product of an unsigned 8-bit activation and a signed LO-bit weight code.
// Binary (LO=1, bit 1 = +1, bit 0 = -1) and ternary (LO=2) need no multiplier: the PE adds,
// subtracts or skips. LO=3..4 use a small multiplier. `skip` removes the lane from the low sum
// (its weight is high-precision and goes to the group's outlier MAC instead).
// The product is prod + carry: to subtract, the lane gives ~a and a carry of 1 (-a = ~a + 1),
// which the group's adder tree takes on its adders' carry-ins (adder_tree_ci.v), so no lane
// needs an adder of its own.
`include "pe_widths.vh"
`default_nettype none
module pe_lowbit #(
    parameter LO = 2
) (
    input  wire [7:0]                   act,
    input  wire [LO-1:0]                code,
    input  wire                         skip,
    output wire signed [`PE_LW(LO)-1:0] prod,
    output wire                         carry
);
    localparam OW = `PE_LW(LO);   // output width; 9 covers +-255 (LO <= 2)
    wire signed [OW-1:0] pos = $signed({{(OW-8){1'b0}}, act});
    generate
        if (LO == 1) begin : g_binary
            wire neg = !code[0];
            assign prod  = skip ? {OW{1'b0}} : pos ^ {OW{neg}};
            assign carry = !skip && neg;
        end else if (LO == 2) begin : g_ternary
            // 01 = +1, 11 = -1, 00 = 0, 10 = marker (0 here; its lane is skipped as well)
            wire en = code[0] && !skip;
            assign prod  = en ? pos ^ {OW{code[1]}} : {OW{1'b0}};
            assign carry = en && code[1];
        end else begin : g_multi
            wire signed [LO-1:0] c = code;
            assign prod  = skip ? {OW{1'b0}} : pos * c;
            assign carry = 1'b0;
        end
    endgenerate
endmodule
`default_nettype wire
