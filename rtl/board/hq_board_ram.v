// hq_board_ram: the board's on-chip memory, 64-bit words with byte write enables, one port,
// registered read (one cycle). Written so that Yosys infers block RAM (ECP5 DP16KD): the
// output register holds its value while `en` is low.
`default_nettype none
module hq_board_ram #(
    parameter AW = 15  // word address bits: 2^AW words of 8 bytes
) (
    input  wire          clk,
    input  wire          en,
    input  wire [7:0]    we,
    input  wire [AW-1:0] addr,
    input  wire [63:0]   wdata,
    output reg  [63:0]   rdata
);
    reg [63:0] mem [0:(1 << AW) - 1];
    integer i;

    always @(posedge clk) begin
        if (en) begin
            for (i = 0; i < 8; i = i + 1)
                if (we[i]) mem[addr][i*8 +: 8] <= wdata[i*8 +: 8];
            rdata <= mem[addr];
        end
    end
endmodule
