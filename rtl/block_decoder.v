// Decoder of one `block` layout block (docs/layouts.md): M weights, at most N of them
// high-precision. Pure wiring plus marker detection for LO >= 2; for LO = 1 the explicit slot
// positions are expanded to a per-lane skip mask. Outputs feed M/G lane groups directly.
`include "pe_widths.vh"
`default_nettype none
module block_decoder #(
    parameter LO = 2,
    parameter HI = 8,
    parameter M  = 32,
    parameter N  = 1,
    parameter G  = 32                        // lanes per group; M must be a multiple of G
) (
    input  wire [`PE_BITS(LO, HI, M, N)-1:0] blk,
    output wire [M*LO-1:0]     codes,        // low code of each weight
    output wire [M-1:0]        skip,         // weight is high-precision: not in the low sum
    output wire [N*HI-1:0]     slot_val,     // signed high values, slot order
    output wire [N*`PE_P(M)-1:0] slot_pos,   // LO = 1: position of each slot in the block
    output wire [N-1:0]        slot_used,    // LO = 1: slot holds a weight (value != 0)
    output wire [(M/G)*`PE_CW(M)-1:0] grp_rank0  // LO >= 2: markers in the block before group g
);
    localparam P    = `PE_P(M);                 // slot position width (LO = 1)
    localparam CW   = `PE_CW(M);                // width of a marker count
    localparam NG = M / G;
    genvar j, s, g;
    generate
        if (LO == 1) begin : g_binary
            assign codes = blk[M-1:0];
            for (s = 0; s < N; s = s + 1) begin : g_slot
                assign slot_pos[s*P +: P]   = blk[M + s*(P+HI) +: P];
                assign slot_val[s*HI +: HI] = blk[M + s*(P+HI) + P +: HI];
                assign slot_used[s]         = |blk[M + s*(P+HI) + P +: HI];
            end
            for (j = 0; j < M; j = j + 1) begin : g_lane
                wire [N-1:0] hit;
                for (s = 0; s < N; s = s + 1) begin : g_hit
                    assign hit[s] = slot_used[s] && (slot_pos[s*P +: P] == j[P-1:0]);
                end
                assign skip[j] = |hit;
            end
            assign grp_rank0 = {(NG*CW){1'b0}};
        end else begin : g_marker
            localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};
            assign codes = blk[M*LO-1:0];
            for (j = 0; j < M; j = j + 1) begin : g_lane
                assign skip[j] = (blk[j*LO +: LO] == MARKER);
            end
            for (s = 0; s < N; s = s + 1) begin : g_slot
                assign slot_val[s*HI +: HI] = blk[M*LO + s*HI +: HI];
            end
            assign slot_pos  = {(N*P){1'b0}};
            assign slot_used = {N{1'b0}};
            // Marker count before each group: group g's first outlier uses slot grp_rank0[g],
            // its next ones the following slots (slots are in position order).
            reg [CW-1:0] rank [0:NG-1];
            reg [CW-1:0] run;
            integer gi, b;
            always @* begin
                run = {CW{1'b0}};
                for (gi = 0; gi < NG; gi = gi + 1) begin
                    rank[gi] = run;
                    for (b = 0; b < G; b = b + 1)
                        run = run + {{(CW-1){1'b0}}, skip[gi*G + b]};
                end
            end
            for (g = 0; g < NG; g = g + 1) begin : g_rank
                assign grp_rank0[g*CW +: CW] = rank[g];
            end
        end
    endgenerate
endmodule
`default_nettype wire
