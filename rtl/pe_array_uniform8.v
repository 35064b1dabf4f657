// The uniform int8 baseline array: LANES int8 x uint8 MACs reduced by an adder tree. Same beat
// shape as the lane-group array (LANES weights of one row per cycle), never stalls.
`include "pe_widths.vh"
`default_nettype none
module pe_array_uniform8 #(
    parameter LANES = 64,
    parameter HI    = 8
) (
    input  wire [LANES*HI-1:0]                      wgt,
    input  wire [LANES*8-1:0]                       act,
    output wire signed [`PE_HSW_UNIFORM(HI, LANES)-1:0] sum
);
    wire [LANES*(HI+9)-1:0] prod;
    genvar j;
    generate
        for (j = 0; j < LANES; j = j + 1) begin : g_lane
            pe_highprec #(.HI(HI)) u_pe (.act(act[j*8 +: 8]), .w(wgt[j*HI +: HI]),
                                         .prod(prod[j*(HI+9) +: HI+9]));
        end
    endgenerate
    adder_tree #(.N(LANES), .W(HI+9)) u_tree (.in(prod), .sum(sum));
endmodule
`default_nettype wire
