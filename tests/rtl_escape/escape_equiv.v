// rtl/accel/hq_escape_decoder.v and its reference (hq_escape_decoder_ref.v) side by side on
// the same inputs, for escape_equiv.cpp to compare every output every cycle.
`include "pe_widths.vh"
`default_nettype none
module escape_equiv #(
    parameter LANES = 64,
    parameter M     = 32,
    parameter N     = 32,
    parameter LO    = 4,
    parameter HI    = 8
) (
    input  wire        clk,
    input  wire        clear,
    input  wire [3:0]  hi,
    input  wire [31:0] vbytes,
    input  wire [31:0] rd_data,
    input  wire        in_valid,
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] in_data,
    input  wire        in_last,
    input  wire        out_ready,
    output wire        rd_en,
    output wire [31:0] rd_addr,
    output wire        in_ready,
    output wire        out_valid,
    output wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] out_data,
    output wire        out_last,
    output wire        bad,
    output wire        ref_rd_en,
    output wire [31:0] ref_rd_addr,
    output wire        ref_in_ready,
    output wire        ref_out_valid,
    output wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] ref_out_data,
    output wire        ref_out_last,
    output wire        ref_bad
);
    hq_escape_decoder #(.LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI)) u_dut (
        .clk(clk), .clear(clear), .hi(hi), .vbytes(vbytes), .rd_en(rd_en), .rd_addr(rd_addr),
        .rd_data(rd_data), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .in_last(in_last), .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data),
        .out_last(out_last), .bad(bad));
    hq_escape_decoder_ref #(.LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI)) u_ref (
        .clk(clk), .clear(clear), .hi(hi), .vbytes(vbytes), .rd_en(ref_rd_en),
        .rd_addr(ref_rd_addr), .rd_data(rd_data), .in_valid(in_valid), .in_ready(ref_in_ready),
        .in_data(in_data), .in_last(in_last), .out_valid(ref_out_valid), .out_ready(out_ready),
        .out_data(ref_out_data), .out_last(ref_out_last), .bad(ref_bad));
endmodule
`default_nettype wire
