// rtl/accel/hq_gearbox.v and its byte-loop reference (hq_gearbox_ref.v) side by side on the
// same inputs, for gearbox_equiv.cpp to compare every output every cycle.
`default_nettype none
module gearbox_equiv #(
    parameter IB = 8,
    parameter OB = 64
) (
    input  wire                clk,
    input  wire                clear,
    input  wire [31:0]         seg_bytes,
    input  wire                in_valid,
    input  wire [IB*8-1:0]     in_data,
    input  wire [$clog2(IB):0] in_lo,
    input  wire [$clog2(IB):0] in_n,
    input  wire                out_ready,
    output wire                in_ready,
    output wire                out_valid,
    output wire [OB*8-1:0]     out_data,
    output wire                out_last,
    output wire                ref_in_ready,
    output wire                ref_out_valid,
    output wire [OB*8-1:0]     ref_out_data,
    output wire                ref_out_last
);
    hq_gearbox #(.IB(IB), .OB(OB)) u_dut (
        .clk(clk), .clear(clear), .seg_bytes(seg_bytes), .in_valid(in_valid),
        .in_ready(in_ready), .in_data(in_data), .in_lo(in_lo), .in_n(in_n),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .out_last(out_last));
    hq_gearbox_ref #(.IB(IB), .OB(OB)) u_ref (
        .clk(clk), .clear(clear), .seg_bytes(seg_bytes), .in_valid(in_valid),
        .in_ready(ref_in_ready), .in_data(in_data), .in_lo(in_lo), .in_n(in_n),
        .out_valid(ref_out_valid), .out_ready(out_ready), .out_data(ref_out_data),
        .out_last(ref_out_last));
endmodule
`default_nettype wire
