// High-precision PE: product of an unsigned 8-bit activation and a signed HI-bit weight
// (int8 x uint8 for HI = 8). Used as the shared outlier MAC of a lane group and as the lane of
// the uniform int8 baseline array. Maps to one DSP48 / SB_MAC16 where the flow infers one.
`default_nettype none
module pe_highprec #(
    parameter HI = 8
) (
    input  wire [7:0]             act,
    input  wire signed [HI-1:0]   w,
    output wire signed [HI+8:0]   prod
);
    assign prod = $signed({1'b0, act}) * w;
endmodule
`default_nettype wire
