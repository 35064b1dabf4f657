// FPGA harness for place-and-route of pe_tile on a small-pin-count package (iCE40 UP5K SG48):
// every wide input comes from one serial shift register and every output is folded into a
// registered parity bit, so no logic of the tile can be optimized away and the design needs
// 12 pins. Used only by scripts/fpga to measure resources and Fmax; not a functional top.
`include "pe_widths.vh"
`default_nettype none
module pe_tile_fpga #(
    parameter UNIFORM = 0,
    parameter LANES   = 16,
    parameter G       = 16,
    parameter M       = 16,
    parameter N       = 1,
    parameter LO      = 2,
    parameter HI      = 8,
    parameter NB_MAX  = 8,
    parameter OPORT   = 0
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       din,       // serial data for all stream payloads
    input  wire [3:0] ctl,       // {m_out_ready, s_wgt_valid, s_row_valid, s_act_valid}
    output reg        dout,      // parity of every output beat taken
    output reg  [3:0] status     // {|err, s_wgt_ready, s_row_ready, s_act_ready}
);
    localparam WBEAT = `PE_WBEAT(UNIFORM, LANES, LO, HI, M, N);
    localparam SW = LANES * 8 + 1 + 32 + 32 + 6 + 5 + 1 + WBEAT + 1;
    reg [SW-1:0] sh;
    reg [3:0]    ctl_q;
    always @(posedge clk) begin
        sh    <= {sh[SW-2:0], din};
        ctl_q <= ctl;
    end

    wire [LANES*8-1:0] act_data = sh[LANES*8-1:0];
    wire               act_last = sh[LANES*8];
    wire [31:0]        bias     = sh[LANES*8+1 +: 32];
    wire [31:0]        mult     = sh[LANES*8+33 +: 32];
    wire [5:0]         shift    = sh[LANES*8+65 +: 6];
    wire [4:0]         lo_shift = sh[LANES*8+71 +: 5];
    wire               row_last = sh[LANES*8+76];
    wire [WBEAT-1:0]   wgt_data = sh[LANES*8+77 +: WBEAT];
    wire               wgt_last = sh[SW-1];

    wire act_ready, row_ready, wgt_ready, out_valid, out_last;
    wire [31:0] out_acc;
    wire [7:0]  out_y;
    wire [2:0]  err;
    pe_tile #(.UNIFORM(UNIFORM), .LANES(LANES), .G(G), .M(M), .N(N), .LO(LO), .HI(HI),
              .NB_MAX(NB_MAX), .OPORT(OPORT)) u_tile (
        .clk(clk), .rst(rst),
        .s_act_valid(ctl_q[0]), .s_act_ready(act_ready), .s_act_data(act_data),
        .s_act_last(act_last),
        .s_row_valid(ctl_q[1]), .s_row_ready(row_ready), .s_row_bias(bias), .s_row_mult(mult),
        .s_row_shift(shift), .s_row_lo_shift(lo_shift), .s_row_last(row_last),
        .s_wgt_valid(ctl_q[2]), .s_wgt_ready(wgt_ready), .s_wgt_data(wgt_data),
        .s_wgt_last(wgt_last), .s_wgt_more(1'b0), .s_wgt_shift(2'd0),
        .cfg_signed_out(1'b0),
        .m_out_valid(out_valid), .m_out_ready(ctl_q[3]), .m_out_acc(out_acc), .m_out_y(out_y),
        .m_out_last(out_last), .err(err));

    always @(posedge clk) begin
        if (out_valid && ctl_q[3])
            dout <= dout ^ (^{out_acc, out_y, out_last});
        status <= {|err, wgt_ready, row_ready, act_ready};
    end
endmodule
`default_nettype wire
