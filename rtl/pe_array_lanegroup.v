// The heterogeneous PE array: LANES low-bit lanes in LANES/G lane groups, each group sharing
// one outlier MAC. One beat = LANES consecutive weights of one row (LANES/M packed `block`
// layout blocks) against LANES activations. A beat takes 1 cycle, plus one cycle per outlier
// beyond the first in its busiest group (the tile counts them, see beat_stalls.v, and holds
// the beat with `hold`). The lanes and the first low adder level work on the beat waiting in
// the tile's stage A (wgt_a, act_a) and are registered as it enters (lane_group.v). Outputs are
// combinational; the low sum is valid in the beat's first cycle, the high sum in every cycle
// of the beat.
`include "pe_widths.vh"
`default_nettype none
module pe_array_lanegroup #(
    parameter LANES = 64,
    parameter G     = 32,
    parameter M     = 32,
    parameter N     = 1,
    parameter LO    = 2,
    parameter HI    = 8,
    parameter OPORT = 0                          // 1: outlier activations from oact
) (
    input  wire                  clk,
    input  wire                  load,       // a new beat is registered into wgt/act this edge
    input  wire                  hold,       // the beat stays for another cycle
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] wgt_a, // the next beat (stage A): low lanes
    input  wire [LANES*8-1:0]    act_a,
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] wgt,   // the beat in the array: outlier path
    input  wire [LANES*8-1:0]    act,
    input  wire [(LANES/G)*8-1:0] oact,      // OPORT = 1: each group's outlier activation
    output wire signed [`PE_LSW(LO, LANES)-1:0]             lo_sum,
    output wire signed [`PE_HSW_LANEGROUP(HI, LANES, G)-1:0] hi_sum
);
    localparam LW     = `PE_LW(LO);
    localparam P      = `PE_P(M);
    localparam BITS   = `PE_BITS(LO, HI, M, N);
    localparam BBYTES = `PE_BBYTES(LO, HI, M, N);
    localparam WBEAT  = `PE_WBEAT(0, LANES, LO, HI, M, N);
    localparam NB  = LANES / M;   // blocks per beat
    localparam NGB = M / G;       // groups per block
    localparam NG  = LANES / G;   // groups
    localparam CW  = $clog2(M + 1);
    localparam GSW = LW + $clog2(G);

    wire [NG*GSW-1:0]     grp_lo;
    wire [NG*(HI+9)-1:0]  grp_hi;

    genvar b, g;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_block
            wire [M*LO-1:0]   codes;
            wire [M-1:0]      skip;
            wire [N*HI-1:0]   slot_val;
            wire [N*P-1:0]    slot_pos;
            wire [N-1:0]      slot_used;
            wire [NGB*CW-1:0] rank0;
            block_decoder #(.LO(LO), .HI(HI), .M(M), .N(N), .G(G)) u_dec (
                .blk(wgt[b*BBYTES*8 +: BITS]), .codes(codes), .skip(skip),
                .slot_val(slot_val), .slot_pos(slot_pos), .slot_used(slot_used),
                .grp_rank0(rank0));
            // the next beat's block, for the low lanes (codes and skip mask only)
            wire [M*LO-1:0]   codes_a;
            wire [M-1:0]      skip_a;
            wire [N*HI-1:0]   slot_val_a;
            wire [N*P-1:0]    slot_pos_a;
            wire [N-1:0]      slot_used_a;
            wire [NGB*CW-1:0] rank0_a;
            block_decoder #(.LO(LO), .HI(HI), .M(M), .N(N), .G(G)) u_dec_a (
                .blk(wgt_a[b*BBYTES*8 +: BITS]), .codes(codes_a), .skip(skip_a),
                .slot_val(slot_val_a), .slot_pos(slot_pos_a), .slot_used(slot_used_a),
                .grp_rank0(rank0_a));
            wire unused_dec = ^{codes, slot_val_a, slot_pos_a, slot_used_a, rank0_a};
            for (g = 0; g < NGB; g = g + 1) begin : g_group
                localparam GI = b * NGB + g;
                lane_group #(.LO(LO), .HI(HI), .G(G), .M(M), .N(N), .GIB(g), .OPORT(OPORT))
                    u_grp (
                    .clk(clk), .load(load), .hold(hold),
                    .lo_act(act_a[GI*G*8 +: G*8]), .lo_codes(codes_a[g*G*LO +: G*LO]),
                    .lo_skip(skip_a[g*G +: G]),
                    .act(act[GI*G*8 +: G*8]), .oact(oact[GI*8 +: 8]),
                    .skip(skip[g*G +: G]), .rank0(rank0[g*CW +: CW]),
                    .slot_val(slot_val), .slot_pos(slot_pos), .slot_used(slot_used),
                    .lo_sum(grp_lo[GI*GSW +: GSW]), .hi_prod(grp_hi[GI*(HI+9) +: HI+9]));
            end
        end
        if (WBEAT > NB * BITS) begin : g_pad
            // byte padding after each block carries no information
            wire unused_pad = ^{wgt, wgt_a};
        end
    endgenerate

    adder_tree #(.N(NG), .W(GSW))  u_lo_tree (.in(grp_lo), .sum(lo_sum));
    outlier_sum #(.NG(NG), .PW(`PE_HPW(HI)))  u_hi_sum (.prod(grp_hi), .sum(hi_sum));
endmodule
`default_nettype wire
