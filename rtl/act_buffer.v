// Activation buffer: one tile's activation vector, NB_MAX beats of LANES bytes. One write
// port (loading) and one registered read port (computing); maps to block RAM.
`include "pe_widths.vh"
`default_nettype none
module act_buffer #(
    parameter W      = 512,
    parameter NB_MAX = 8
) (
    input  wire          clk,
    input  wire          wr_en,
    input  wire [`PE_AW(NB_MAX)-1:0] wr_addr,
    input  wire [W-1:0]  wr_data,
    input  wire          rd_en,
    input  wire [`PE_AW(NB_MAX)-1:0] rd_addr,
    output reg  [W-1:0]  rd_data
);
    reg [W-1:0] mem [0:NB_MAX-1];
    always @(posedge clk) begin
        if (wr_en)
            mem[wr_addr] <= wr_data;
        if (rd_en)
            rd_data <= mem[rd_addr];
    end
endmodule
`default_nettype wire
