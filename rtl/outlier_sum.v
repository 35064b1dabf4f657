// Sum of the lane groups' outlier products: the high partial sum of one beat. Its own module
// so that the FPGA reports can count the outlier path (outlier_mac + outlier_sum) separately.
`default_nettype none
module outlier_sum #(
    parameter NG  = 2,                 // lane groups
    parameter PW  = 17,                // product width (HI + 9)
    parameter OW  = PW + $clog2(NG)    // derived: do not override
) (
    input  wire [NG*PW-1:0]     prod,
    output wire signed [OW-1:0] sum
);
    adder_tree #(.N(NG), .W(PW)) u_tree (.in(prod), .sum(sum));
endmodule
`default_nettype wire
