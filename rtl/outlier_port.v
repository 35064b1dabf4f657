// Outlier operand port of one lane group (pe_tile OPORT = 1). A copy of the group's G
// activations of every beat, written while the activation buffer loads, and read one byte at
// a time at the position of the group's high-precision weight in the incoming weight beat.
// The memory's narrow read port does the G:1 selection that a multiplexer would otherwise do
// for every activation bit (about 2 LUTs per lane on a 7-series part, the bulk of the outlier
// path): on an FPGA it is a block RAM with a wide write and a byte-wide read port.
//
// Needs G = M and N = 1: a well-formed block then gives the group at most one outlier, its
// position is the block's single marker (LO >= 2) or slot 0's position (LO = 1), and the
// group's high value is slot 0 (0 when unused), so nothing else is selected or gated. A
// malformed block (more than one marker, or a non-zero slot 0 without a marker; the packer
// writes neither) gets an undefined outlier product: the position is then the OR of the
// marker positions, or 0.
`include "pe_widths.vh"
`default_nettype none
module outlier_port #(
    parameter G      = 32,
    parameter LO     = 2,
    parameter HI     = 8,
    parameter NB_MAX = 16
) (
    input  wire            clk,
    input  wire            wr_en,
    input  wire [`PE_AW(NB_MAX)-1:0] wr_addr,
    input  wire [G*8-1:0]  wr_data,     // the group's G activations of one beat
    input  wire            rd_en,
    input  wire [`PE_AW(NB_MAX)-1:0] rd_beat,
    input  wire [`PE_BITS(LO, HI, G, 1)-1:0] blk, // the group's block (M = G, N = 1) of the beat
    output reg  [7:0]      act          // registered: activation at the block's outlier
);
    localparam IW   = (G > 1) ? $clog2(G) : 1;
    reg [IW-1:0] idx;
    generate
        if (LO == 1) begin : g_slot
            always @* idx = blk[G +: IW];
            wire unused_codes = ^{blk[G-1:0], blk[G+IW +: HI]};
        end else begin : g_marker
            localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};
            integer j;
            // binary index of the one marker: an OR per index bit, no priority chain
            always @* begin
                idx = {IW{1'b0}};
                for (j = 0; j < G; j = j + 1)
                    if (blk[j*LO +: LO] == MARKER)
                        idx = idx | j[IW-1:0];
            end
            wire unused_slot = ^blk[G*LO +: HI];
        end
    endgenerate

    (* ram_style = "block" *) reg [7:0] mem [0:NB_MAX*G-1];
    integer i;
    always @(posedge clk) begin
        if (wr_en)
            for (i = 0; i < G; i = i + 1)
                mem[{wr_addr, i[IW-1:0]}] <= wr_data[i*8 +: 8];
        if (rd_en)
            act <= mem[{rd_beat, idx}];
    end
endmodule
`default_nettype wire
