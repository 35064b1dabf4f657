// The outlier path of one lane group: picks the group's next pending high-precision weight,
// selects its activation and multiplies on the group's single shared MAC. A group holding h > 1
// outliers in a beat needs h cycles (the tile holds the beat: see beat_stalls.v). Outliers are
// served in position order (LO >= 2, marker lanes) or slot order (LO = 1); with N = 1 there is
// at most one, so nothing is served twice and nothing stalls. With OPORT = 1 the
// activation comes from the tile's outlier port (outlier_port.v: G = M, N = 1, no stalls) and
// the MAC is the multiplier alone.
`include "pe_widths.vh"
`default_nettype none
module outlier_mac #(
    parameter LO  = 2,
    parameter HI  = 8,
    parameter G   = 32,
    parameter M   = 32,
    parameter N   = 1,
    parameter GIB = 0,                 // index of this group inside its block (LO = 1)
    parameter OPORT = 0                // 1: activation from the outlier port (oact)
) (
    input  wire                  clk,
    input  wire                  load,      // a new beat enters: forget served outliers
    input  wire                  hold,      // the beat stays: mark this cycle's outlier served
    input  wire [G*8-1:0]        act,
    input  wire [7:0]            oact,      // OPORT = 1: the outlier's activation
    input  wire [G-1:0]          marker,    // LO >= 2: lane holds a high-precision weight
    input  wire [`PE_CW(M)-1:0]  rank0,     // LO >= 2: slot of the group's first outlier
    input  wire [N*HI-1:0]       slot_val,
    input  wire [N*`PE_P(M)-1:0] slot_pos,  // LO = 1
    input  wire [N-1:0]          slot_used, // LO = 1
    output wire signed [`PE_HPW(HI)-1:0] prod
);
    localparam P  = `PE_P(M);
    localparam CW = `PE_CW(M);
    localparam IW = (G > 1) ? $clog2(G) : 1;
    reg  [7:0]           a_sel;
    reg  signed [HI-1:0] w_sel;

    generate
        if (OPORT != 0) begin : g_port
            always @* begin
                a_sel = oact;
                w_sel = $signed(slot_val[HI-1:0]);   // slot 0; an unused slot is 0
            end
            wire unused_port_inputs = ^{clk, load, hold, act, marker, rank0, slot_pos, slot_used};
        end else if (N == 1) begin : g_single
            // One slot per block: a well-formed block gives the group at most one outlier,
            // served in the beat's only cycle (no served mask; the tile never stalls). Its
            // lane is the one marked (LO = 1: named by slot 0), selected by AND-OR.
            integer i;
            always @* begin
                a_sel = 8'd0;
                for (i = 0; i < G; i = i + 1)
                    a_sel = a_sel | ({8{marker[i]}} & act[i*8 +: 8]);
                w_sel = (|marker) ? $signed(slot_val[HI-1:0]) : {HI{1'b0}};
            end
            wire unused_single_inputs = ^{clk, load, hold, rank0, slot_pos, slot_used, oact};
        end else if (LO == 1) begin : g_slots
            localparam SW = (N > 1) ? $clog2(N) : 1;
            reg  [N-1:0] served;
            wire [N-1:0] cand;
            genvar s;
            for (s = 0; s < N; s = s + 1) begin : g_cand
                if (G == M) begin : g_whole
                    assign cand[s] = slot_used[s];
                end else begin : g_part
                    assign cand[s] = slot_used[s] &&
                                     (slot_pos[s*P + IW +: P - IW] == GIB[P-IW-1:0]);
                end
            end
            wire [N-1:0] pending = cand & ~served;
            wire [N-1:0] first   = pending & (~pending + {{(N-1){1'b0}}, 1'b1});
            reg  [SW-1:0] sidx;
            integer i;
            always @* begin
                sidx = {SW{1'b0}};
                for (i = N - 1; i >= 0; i = i - 1)
                    if (pending[i]) sidx = i[SW-1:0];
                a_sel = act[slot_pos[sidx*P +: IW]*8 +: 8];
                w_sel = (|pending) ? $signed(slot_val[sidx*HI +: HI]) : {HI{1'b0}};
            end
            wire unused_marker_inputs = ^{marker, rank0};
            always @(posedge clk) begin
                if (load)      served <= {N{1'b0}};
                else if (hold) served <= served | first;
            end
        end else begin : g_markers
            reg  [G-1:0]  served;
            reg  [CW-1:0] count;              // outliers of this group served in this beat
            wire [G-1:0]  pending = marker & ~served;
            // Lowest pending marker. With N = 1 a well-formed block gives a group at most one
            // outlier, so the carry chain that isolates the lowest bit is not needed.
            wire [G-1:0]  first   = (N == 1) ? pending
                                             : pending & (~pending + {{(G-1){1'b0}}, 1'b1});
            wire [CW-1:0] rank    = rank0 + count;
            localparam [CW-1:0] NSLOTS = N[CW-1:0];
            reg  [IW-1:0] lidx;
            integer i;
            always @* begin
                // binary index of the one-hot `first` (an OR per index bit), then a G:1 mux:
                // on the 7-series a third of the LUTs of an AND-OR on `first`, whose carry
                // chain the mapper otherwise spreads into every select term
                lidx = {IW{1'b0}};
                for (i = 0; i < G; i = i + 1)
                    lidx = lidx | ({IW{first[i]}} & i[IW-1:0]);
                a_sel = act[lidx*8 +: 8];
                // A malformed block with more than N markers has no value for the extras: 0.
                w_sel = ((|pending) && rank < NSLOTS) ? $signed(slot_val[rank*HI +: HI]) : {HI{1'b0}};
            end
            wire unused_slot_inputs = ^{slot_pos, slot_used};
            always @(posedge clk) begin
                if (load) begin
                    served <= {G{1'b0}};
                    count  <= {CW{1'b0}};
                end else if (hold) begin
                    served <= served | first;
                    count  <= count + {{(CW-1){1'b0}}, 1'b1};
                end
            end
        end
    endgenerate

    generate
        if (OPORT == 0 && N != 1) begin : g_no_port
            wire unused_oact = ^oact;
        end
    endgenerate

    pe_highprec #(.HI(HI)) u_mac (.act(a_sel), .w(w_sel), .prod(prod));
endmodule
`default_nettype wire
