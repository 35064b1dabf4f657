// High-precision weights per lane group of one weight beat (h_g). The tile registers them with
// the accepted beat and derives the beat's stall cycles, max over g of max(0, h_g - 1), one
// stage ahead of the array, so that the array's "beat done" decision comes from registers.
`include "pe_widths.vh"
`default_nettype none
module beat_stalls #(
    parameter LANES = 64,
    parameter G     = 16,
    parameter M     = 32,
    parameter N     = 2,
    parameter LO    = 2,
    parameter HI    = 8
) (
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] wgt,
    output wire [(LANES/G)*`PE_CW(G)-1:0]             count  // group g at [g*XW, (g+1)*XW)
);
    localparam P      = `PE_P(M);
    localparam BITS   = `PE_BITS(LO, HI, M, N);
    localparam BBYTES = `PE_BBYTES(LO, HI, M, N);
    localparam WBEAT  = `PE_WBEAT(0, LANES, LO, HI, M, N);
    localparam XW     = `PE_CW(G);                // width of the stall count
    localparam NB  = LANES / M;
    localparam NGB = M / G;
    localparam IW  = $clog2(G);

    genvar b, g, s;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_block
            wire [M*LO-1:0]   codes;
            wire [M-1:0]      skip;
            wire [N*HI-1:0]   slot_val;
            wire [N*P-1:0]    slot_pos;
            wire [N-1:0]      slot_used;
            wire [NGB*$clog2(M+1)-1:0] rank0;
            block_decoder #(.LO(LO), .HI(HI), .M(M), .N(N), .G(G)) u_dec (
                .blk(wgt[b*BBYTES*8 +: BITS]), .codes(codes), .skip(skip),
                .slot_val(slot_val), .slot_pos(slot_pos), .slot_used(slot_used),
                .grp_rank0(rank0));
            wire unused_dec = ^{codes, slot_val, rank0};
            for (g = 0; g < NGB; g = g + 1) begin : g_group
                reg [XW-1:0] c;
                if (LO == 1) begin : g_slots
                    integer i;
                    wire [N-1:0] in_grp;
                    for (s = 0; s < N; s = s + 1) begin : g_s
                        if (G == M) begin : g_whole
                            assign in_grp[s] = slot_used[s];
                        end else begin : g_part
                            assign in_grp[s] = slot_used[s] &&
                                (slot_pos[s*P + IW +: P - IW] == g[P-IW-1:0]);
                        end
                    end
                    always @* begin
                        c = {XW{1'b0}};
                        for (i = 0; i < N; i = i + 1)
                            c = c + {{(XW-1){1'b0}}, in_grp[i]};
                    end
                    wire unused_skip = ^{skip, slot_pos};
                end else begin : g_markers
                    // popcount as a balanced tree (a serial chain was the UP5K critical path)
                    wire [2*G-1:0] bits;
                    wire signed [1+$clog2(G):0] pop;
                    genvar j;
                    for (j = 0; j < G; j = j + 1) begin : g_bit
                        assign bits[2*j +: 2] = {1'b0, skip[g*G + j]};
                    end
                    adder_tree #(.N(G), .W(2)) u_pop (.in(bits), .sum(pop));
                    always @* c = pop[XW-1:0];
                    wire unused_slots = ^{slot_pos, slot_used, pop[1+$clog2(G):XW]};
                end
                assign count[(b*NGB + g)*XW +: XW] = c;
            end
        end
        if (WBEAT > NB * BITS) begin : g_pad
            wire unused_pad = ^wgt;
        end
    endgenerate

endmodule
`default_nettype wire
