// Sum of the lane groups' outlier products: the high partial sum of one beat. Its own module
// so that the FPGA reports can count the outlier path (outlier_mac + outlier_sum) separately.
`include "pe_widths.vh"
`default_nettype none
module outlier_sum #(
    parameter NG  = 2,                 // lane groups
    parameter PW  = 17                 // product width (HI + 9)
) (
    input  wire [NG*PW-1:0]                  prod,
    output wire signed [`PE_SUMW(PW, NG)-1:0] sum
);
    adder_tree #(.N(NG), .W(PW)) u_tree (.in(prod), .sum(sum));
endmodule
`default_nettype wire
