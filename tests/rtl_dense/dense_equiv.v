// rtl/accel/hq_dense_decoder.v and its reference (hq_dense_decoder_ref.v) side by side on the
// same inputs, for dense_equiv.cpp to compare every output every cycle.
`include "pe_widths.vh"
`default_nettype none
module dense_equiv #(
    parameter UNIFORM = 0,
    parameter LANES   = 64,
    parameter M       = 32,
    parameter N       = 32,
    parameter LO      = 4,
    parameter HI      = 8,
    parameter IB      = 8
) (
    input  wire        clk,
    input  wire        clear,
    input  wire [2:0]  lo,
    input  wire [3:0]  hi,
    input  wire [15:0] cols,
    input  wire        markers,
    input  wire        hi_row,
    input  wire        restart,
    input  wire [2:0]  skip,
    input  wire [15:0] row_lim,
    input  wire [2:0]  lo_shift,
    input  wire        in_valid,
    input  wire [IB*8-1:0] in_data,
    input  wire [$clog2(IB):0] in_lo,
    input  wire [$clog2(IB):0] in_n,
    input  wire        out_ready,
    output wire [15:0] row,
    output wire        in_ready,
    output wire        out_valid,
    output wire [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] out_data,
    output wire        out_last,
    output wire        bad,
    output wire [15:0] ref_row,
    output wire        ref_in_ready,
    output wire        ref_out_valid,
    output wire [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] ref_out_data,
    output wire        ref_out_last,
    output wire        ref_bad
);
    hq_dense_decoder #(.UNIFORM(UNIFORM), .LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI),
                       .IB(IB)) u_dut (
        .clk(clk), .clear(clear), .lo(lo), .hi(hi), .cols(cols), .markers(markers),
        .hi_row(hi_row), .restart(restart), .skip(skip), .row_lim(row_lim), .row(row),
        .lo_shift(lo_shift), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .in_lo(in_lo), .in_n(in_n), .out_valid(out_valid), .out_ready(out_ready),
        .out_data(out_data), .out_last(out_last), .bad(bad));
    hq_dense_decoder_ref #(.UNIFORM(UNIFORM), .LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI),
                           .IB(IB)) u_ref (
        .clk(clk), .clear(clear), .lo(lo), .hi(hi), .cols(cols), .markers(markers),
        .hi_row(hi_row), .restart(restart), .skip(skip), .row_lim(row_lim), .row(ref_row),
        .lo_shift(lo_shift), .in_valid(in_valid), .in_ready(ref_in_ready), .in_data(in_data),
        .in_lo(in_lo), .in_n(in_n), .out_valid(ref_out_valid), .out_ready(out_ready),
        .out_data(ref_out_data), .out_last(ref_out_last), .bad(ref_bad));
endmodule
`default_nettype wire
