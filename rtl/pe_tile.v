// Tile top: one activation vector against a stream of weight rows, with valid/ready streams.
//
//   s_act : the tile's activations, LANES bytes per beat, s_act_last on the last beat
//           (beats past K carry zeros). Loaded into the activation buffer first.
//   s_row : one beat per output row (bias, requantization, lo_shift; s_row_last = last row
//           of the tile), taken together with the row's first weight beat.
//   s_wgt : per row, as many beats as activation beats; s_wgt_last on the row's last beat.
//           UNIFORM = 0: LANES/M packed `block` layout blocks per beat (docs/layouts.md);
//           UNIFORM = 1: LANES int8 weights per beat (the baseline array).
//           s_wgt_more: more beats against the same activation beat follow (the
//           accelerator's weight path splits a beat whose blocks hold more than N high
//           weights into sub-beats of at most N each, hq_beat_split.v); s_wgt_last only
//           on the final sub-beat. 0 in the stand-alone tile.
//           s_wgt_shift: this beat's low sum is shifted by lo_shift + s_wgt_shift (the
//           accelerator feeds 3- and 4-bit low codes as ternary digits, one per sub-beat,
//           digit d with shift d: hq_beat_split.v). 0 in the stand-alone tile.
//   m_out : one beat per row: the merged int32 accumulator (bias included) and the
//           requantized ReLU output; m_out_last marks the tile's last row.
//   cfg_signed_out: the requantized output is int8 without ReLU (clamp [-128, 127],
//           FLAG_SIGNED_OUT of the accelerator); held while rows are in flight. 0 in the
//           stand-alone tile.
//
// Pipeline (docs/pe-array.md): accept (A: stall count, low lanes + first adder level) ->
// B compute (1 + stall cycles per beat) -> C sums -> S (low sum << lo_shift) -> accumulate ->
// merge (add) -> product -> shift -> round/clamp into the output FIFO. Latency nbeats + S + 9
// (PE_PIPE_LATENCY), period nbeats + S + 2 (PE_TILE_OVERHEAD).
`include "pe_widths.vh"
`default_nettype none
module pe_tile #(
    parameter UNIFORM   = 0,     // 1: uniform int8 array instead of lane groups
    parameter LANES     = 64,
    parameter G         = 32,
    parameter M         = 32,
    parameter N         = 1,
    parameter LO        = 2,
    parameter HI        = 8,
    parameter NB_MAX    = 16,    // max beats per row: K <= NB_MAX * LANES
    parameter OUT_DEPTH = 16,    // output FIFO entries (> rows in flight, 8, for full rate)
    parameter OPORT     = 0,     // 1: outlier activations from per-group outlier ports
                                 //    (outlier_port.v; needs G = M, N = 1: never stalls)
    parameter SPLIT     = 0,     // 1: the split array (pe_array_split.v; needs LO = 4, N = M)
    parameter HMACS     = 2      // split: MACs of the high-precision unit
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 s_act_valid,
    output wire                 s_act_ready,
    input  wire [LANES*8-1:0]   s_act_data,
    input  wire                 s_act_last,
    input  wire                 s_row_valid,
    output wire                 s_row_ready,
    input  wire [31:0]          s_row_bias,
    input  wire [31:0]          s_row_mult,
    input  wire [5:0]           s_row_shift,
    input  wire [4:0]           s_row_lo_shift,
    input  wire                 s_row_last,
    input  wire                 s_wgt_valid,
    output wire                 s_wgt_ready,
    input  wire [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] s_wgt_data,
    input  wire                 s_wgt_last,
    input  wire                 s_wgt_more,
    input  wire [1:0]           s_wgt_shift,
    input  wire                 cfg_signed_out,
    output wire                 m_out_valid,
    input  wire                 m_out_ready,
    output wire [31:0]          m_out_acc,
    output wire [7:0]           m_out_y,
    output wire                 m_out_last,
    output reg  [2:0]           err,     // sticky: [0] too many act beats, [1] row length
                                         // != act beats, [2] mult >= 2^31 or shift > 62
    output wire                 arr_first, // the array holds a beat in its first cycle
    output wire                 arr_stall  // the array holds a beat in a stall cycle
);
    localparam BITS  = `PE_BITS(LO, HI, M, N);
    localparam WBEAT = `PE_WBEAT(UNIFORM, LANES, LO, HI, M, N);
    localparam AW  = `PE_AW(NB_MAX);
    localparam CNW = $clog2(NB_MAX + 1);
    localparam LSW = (UNIFORM != 0) ? 1 : `PE_LSW(LO, LANES);
    localparam HSW = (UNIFORM != 0) ? `PE_HSW_UNIFORM(HI, LANES)
                   : (SPLIT != 0) ? `PE_SUMW(`PE_HPW(HI), HMACS) : `PE_HSW_LANEGROUP(HI, LANES, G);
    localparam QW  = $clog2(OUT_DEPTH + 1);
    localparam PW  = 32 + 31 + 6 + 5 + 1;   // row parameters: bias, mult, shift, lo_shift, last
    localparam [AW-1:0]  LAST_ADDR = NB_MAX[AW-1:0] - 1'b1;
    localparam [CNW-1:0] NB_LIM    = NB_MAX[CNW-1:0];

    localparam XW  = $clog2(((SPLIT != 0) ? LANES : G) + 1);   // stall cycles of one beat

    // ---- control state ----
    reg            loading;      // filling the activation buffer
    reg            closing;      // the tile's last beat is in: take no weights until it ends
    reg  [CNW-1:0] act_idx;      // next activation beat to write
    reg  [CNW-1:0] nb;           // activation beats of the current tile
    reg  [CNW-1:0] beat_idx;     // next weight beat within the row
    reg            in_sub;       // a sub-beat of beat_idx was taken (s_wgt_more)
    reg  [QW-1:0]  rows_pending; // rows accepted (last beat) and not yet output
    reg  [PW-1:0]  row_par;      // parameters of the row being streamed

    // ---- stage A: the accepted beat (its activations arrive from the buffer's read port);
    //      its stall cycles are counted here, one stage ahead of the array ----
    reg              a_valid, a_row_first, a_row_end;
    reg [WBEAT-1:0]  a_wgt;
    reg [PW-1:0]     a_par;
    wire [LANES*8-1:0] a_act;
    localparam NG = (UNIFORM != 0 || SPLIT != 0) ? 1 : LANES / G;
    wire [NG*8-1:0]  a_oact;     // OPORT = 1: each group's outlier activation (port output)
    wire [NG*XW-1:0] in_count;   // high weights per group of the incoming beat
    reg  [NG*XW-1:0] a_count;
    reg  [XW-1:0]    a_extra;    // the beat's stall cycles: max_g max(0, h_g - 1)
    integer gi;
    always @* begin
        a_extra = {XW{1'b0}};
        for (gi = 0; gi < NG; gi = gi + 1)
            if (a_count[gi*XW +: XW] > a_extra + 1'b1)
                a_extra = a_count[gi*XW +: XW] - 1'b1;
    end

    // ---- stage B: the beat in the array for 1 + b_extra cycles ----
    reg              b_valid, b_fresh, b_row_first, b_row_end;
    reg [WBEAT-1:0]  wgt_q;
    reg [LANES*8-1:0] act_q;
    reg [NG*8-1:0]   oact_q;
    reg [PW-1:0]     b_par;
    reg [XW-1:0]     b_extra, b_cnt;
    // the beat is in its last B cycle (b_cnt == b_extra), kept as a register: it gates the
    // A -> B move and through it the weight-stream ready and every stage-A enable
    reg              beat_done;
    wire             b_tile_end = b_valid && b_row_end && b_par[0] && beat_done;

    // B takes the beat waiting in A when empty or in its current beat's last cycle.
    wire b_free    = !b_valid || beat_done;
    wire room_eq   = rows_pending < OUT_DEPTH[QW-1:0];             // count unchanged
    wire room_dn   = rows_pending < OUT_DEPTH[QW-1:0] - 1'b1;      // one more pending
    wire room_up   = rows_pending <= OUT_DEPTH[QW-1:0];            // one fewer pending
    wire a_to_b    = a_valid && b_free;
    // rows_pending < OUT_DEPTH, kept as a register (it gates the weight-stream ready): the
    // next value is picked from three compares of the current count by the count's change
    reg  room;
    wire row_first = (beat_idx == {CNW{1'b0}}) && !in_sub;
    wire can_take  = !loading && !closing && !rst && (!a_valid || a_to_b) && room;
    assign s_wgt_ready = can_take && (!row_first || s_row_valid);
    assign s_row_ready = can_take && row_first && s_wgt_valid;
    assign s_act_ready = loading && !rst;
    wire fire_w = s_wgt_valid && s_wgt_ready;
    wire fire_a = s_act_valid && s_act_ready;
    wire fire_o;
    wire [PW-1:0] new_par = {s_row_bias, s_row_mult[30:0], s_row_shift, s_row_lo_shift,
                             s_row_last};
    wire [PW-1:0] beat_par = row_first ? new_par : row_par;
    // the beat's own lo_shift: the row's plus the digit's (row_par keeps the row's)
    wire [4:0]    beat_lo_shift = beat_par[5:1] + {3'd0, s_wgt_shift};

    act_buffer #(.W(LANES*8), .NB_MAX(NB_MAX)) u_act (
        .clk(clk), .wr_en(fire_a && act_idx < NB_LIM), .wr_addr(act_idx[AW-1:0]),
        .wr_data(s_act_data), .rd_en(fire_w),
        .rd_addr((beat_idx < NB_LIM) ? beat_idx[AW-1:0] : LAST_ADDR),
        .rd_data(a_act));

    always @(posedge clk) begin
        if (rst) begin
            loading      <= 1'b1;
            closing      <= 1'b0;
            act_idx      <= {CNW{1'b0}};
            nb           <= {CNW{1'b0}};
            beat_idx     <= {CNW{1'b0}};
            in_sub       <= 1'b0;
            rows_pending <= {QW{1'b0}};
            room         <= 1'b1;
            a_valid      <= 1'b0;
            b_valid      <= 1'b0;
            b_fresh      <= 1'b0;
            err          <= 3'b0;
        end else begin
            if (fire_a) begin
                if (act_idx >= NB_LIM) err[0] <= 1'b1;
                if (s_act_last) begin
                    nb       <= (act_idx >= NB_LIM) ? NB_LIM : act_idx + 1'b1;
                    act_idx  <= {CNW{1'b0}};
                    loading  <= 1'b0;
                    beat_idx <= {CNW{1'b0}};
                end else if (act_idx < NB_LIM) begin
                    act_idx  <= act_idx + 1'b1;
                end
            end
            if (fire_w) begin
                if (s_wgt_more ? s_wgt_last : (s_wgt_last != (beat_idx + 1'b1 == nb)))
                    err[1] <= 1'b1;
                // a sub-beat with more to follow keeps the activation beat
                beat_idx <= s_wgt_more ? beat_idx : s_wgt_last ? {CNW{1'b0}} : beat_idx + 1'b1;
                in_sub   <= s_wgt_more;
                if (row_first && (s_row_mult[31] || s_row_shift > 6'd62)) err[2] <= 1'b1;
                if (s_wgt_last && beat_par[0])
                    closing <= 1'b1;
            end
            // the tile's last beat finished: the activation buffer may take the next tile
            if (b_tile_end) begin
                loading <= 1'b1;
                closing <= 1'b0;
            end
            if (fire_w)
                a_valid <= 1'b1;
            else if (a_to_b)
                a_valid <= 1'b0;
            if (a_to_b)
                b_valid <= 1'b1;
            else if (b_valid && beat_done)
                b_valid <= 1'b0;
            b_fresh <= a_to_b;
            rows_pending <= rows_pending + {{(QW-1){1'b0}}, fire_w && s_wgt_last}
                                         - {{(QW-1){1'b0}}, fire_o};
            case ({fire_w && s_wgt_last, fire_o})
                2'b10:   room <= room_dn;
                2'b01:   room <= room_up;
                default: room <= room_eq;
            endcase
        end
    end

    always @(posedge clk) begin
        if (fire_w) begin
            a_wgt       <= s_wgt_data;
            a_count     <= in_count;
            a_row_first <= row_first;
            a_row_end   <= s_wgt_last;
            a_par       <= {beat_par[PW-1:6], beat_lo_shift, beat_par[0]};
            row_par     <= beat_par;
        end
        if (a_to_b) begin
            wgt_q       <= a_wgt;
            act_q       <= a_act;
            oact_q      <= a_oact;
            b_row_first <= a_row_first;
            b_row_end   <= a_row_end;
            b_par       <= a_par;
            b_extra     <= a_extra;
            b_cnt       <= {XW{1'b0}};
            beat_done   <= (a_extra == {XW{1'b0}});
        end else if (b_valid && !beat_done) begin
            b_cnt       <= b_cnt + 1'b1;
            beat_done   <= (b_cnt + 1'b1 == b_extra);
        end
    end

    // ---- the PE array (combinational on stage B) ----
    wire signed [LSW-1:0] lo_sum;
    wire signed [HSW-1:0] hi_sum;
    generate
        if (UNIFORM != 0) begin : g_uniform
            pe_array_uniform8 #(.LANES(LANES), .HI(HI)) u_array (
                .wgt(wgt_q), .act(act_q), .sum(hi_sum));
            assign lo_sum   = 1'b0;
            assign in_count = {NG*XW{1'b0}};
            assign a_oact   = {NG*8{1'b0}};
            wire unused_oact = ^oact_q;
        end else if (SPLIT != 0) begin : g_split
            // the beat's passes of the high unit, counted as it is accepted (its stall
            // count is passes - 1); b_cnt is the pass of the beat in the array
            if (LO != 4 || N != M) begin : g_bad
                // Elaboration error: the split tile takes the decoders' beat (LO = 4, N = M).
                pe_tile_SPLIT_needs_LO_4_and_N_equal_M u_invalid_parameters ();
            end
            split_passes #(.LANES(LANES), .M(M), .HI(HI), .HMACS(HMACS)) u_passes (
                .wgt(s_wgt_data), .passes(in_count));
            pe_array_split #(.LANES(LANES), .M(M), .HI(HI), .HMACS(HMACS)) u_array (
                .wgt(wgt_q), .act(act_q), .pass(b_cnt), .lo_sum(lo_sum), .hi_sum(hi_sum));
            assign a_oact = {NG*8{1'b0}};
            wire unused_oact = ^oact_q;
        end else begin : g_lanegroup
            if (OPORT != 0) begin : g_port
                localparam BBYTES = `PE_BBYTES(LO, HI, M, N);
                genvar g;
                if (G != M || N != 1) begin : g_bad
                    // Elaboration error: OPORT = 1 needs G = M and N = 1 (outlier_port.v).
                    pe_tile_OPORT_needs_G_equal_M_and_N_1 u_invalid_parameters ();
                end
                for (g = 0; g < NG; g = g + 1) begin : g_grp
                    outlier_port #(.G(G), .LO(LO), .HI(HI), .NB_MAX(NB_MAX)) u_oport (
                        .clk(clk), .wr_en(fire_a && act_idx < NB_LIM),
                        .wr_addr(act_idx[AW-1:0]), .wr_data(s_act_data[g*G*8 +: G*8]),
                        .rd_en(fire_w),
                        .rd_beat((beat_idx < NB_LIM) ? beat_idx[AW-1:0] : LAST_ADDR),
                        .blk(s_wgt_data[g*BBYTES*8 +: BITS]), .act(a_oact[g*8 +: 8]));
                end
                assign in_count = {NG*XW{1'b0}};
            end else if (N == 1) begin : g_single
                // One outlier per block at most: no beat ever stalls, nothing to count.
                assign in_count = {NG*XW{1'b0}};
                assign a_oact = {NG*8{1'b0}};
            end else begin : g_stalls
                beat_stalls #(.LANES(LANES), .G(G), .M(M), .N(N), .LO(LO), .HI(HI)) u_stalls (
                    .wgt(s_wgt_data), .count(in_count));
                assign a_oact = {NG*8{1'b0}};
            end
            pe_array_lanegroup #(.LANES(LANES), .G(G), .M(M), .N(N), .LO(LO), .HI(HI),
                                 .OPORT(OPORT)) u_array (
                .clk(clk), .load(a_to_b), .hold(b_valid && !beat_done), .wgt_a(a_wgt),
                .act_a(a_act), .wgt(wgt_q),
                .act(act_q), .oact(oact_q), .lo_sum(lo_sum), .hi_sum(hi_sum));
        end
    endgenerate

    // ---- stage C: registered partial sums ----
    reg                    c_valid, c_lo_en, c_first, c_last;
    reg signed [LSW-1:0]   c_lo;
    reg signed [HSW-1:0]   c_hi;
    reg [PW-1:0]           c_par;
    always @(posedge clk) begin
        c_valid <= !rst && b_valid;
        c_lo    <= lo_sum;
        c_hi    <= hi_sum;
        c_lo_en <= b_fresh;
        c_first <= b_fresh && b_row_first;
        c_last  <= b_row_end && beat_done;
        c_par   <= b_par;
    end

    // ---- stage S: shift the beat's low sum by lo_shift. (a << s) + (b << s) == (a + b) << s
    //      modulo 2^32, so accumulating shifted low sums gives (acc_lo << lo_shift) of
    //      docs/arith.md and the merge shrinks to a plain add: no stage holds both the barrel
    //      shift and a 32-bit carry chain (that pair was the UP5K critical path) ----
    reg                    s_valid, s_first, s_last;
    reg signed [31:0]      s_lo, s_hi;
    reg [PW-6:0]           s_par;   // row parameters without lo_shift: {bias, mult, shift, last}
    wire signed [31:0] c_lo32 = {{(32-LSW){c_lo[LSW-1]}}, c_lo};
    always @(posedge clk) begin
        s_valid <= !rst && c_valid;
        // (the enable is not needed functionally; without it Yosys 0.23's ice40_dsp pass
        // crashes on the outlier MAC, whose output register is c_hi)
        if (c_valid) begin
            s_lo <= c_lo_en ? c_lo32 <<< c_par[5:1] : 32'sd0;
            s_hi <= {{(32-HSW){c_hi[HSW-1]}}, c_hi};
        end
        s_first <= c_first;
        s_last  <= c_last;
        s_par   <= {c_par[PW-1:6], c_par[0]};
    end

    // ---- accumulate (int32, wrapping) ----
    reg signed [31:0] acc_lo, acc_hi;   // acc_lo: sum of the shifted low sums
    reg               d_valid;
    reg [PW-38:0]     d_par;    // {mult, shift, last}
    always @(posedge clk) begin
        d_valid <= !rst && s_valid && s_last;
        if (s_valid) begin
            acc_lo <= (s_first ? 32'sd0 : acc_lo) + s_lo;
            // the bias enters with the row's first high partial sum, so that the merge is a
            // two-input add: acc_lo + (acc_hi + bias), the same sum mod 2^32
            acc_hi <= (s_first ? $signed(s_par[PW-6:PW-37]) : acc_hi) + s_hi;
            if (s_last)
                d_par <= s_par[PW-38:0];
        end
    end

    // ---- merge: acc = acc_lo + acc_hi (acc_lo already shifted, bias already in acc_hi) ----
    reg               e_valid, e_last;
    reg signed [31:0] e_acc;
    reg [30:0]        e_mult;
    reg [5:0]         e_shift;
    always @(posedge clk) begin
        e_valid <= !rst && d_valid;
        if (d_valid) begin
            e_acc   <= acc_lo + acc_hi;
            e_mult  <= d_par[PW-38:7];
            e_shift <= d_par[6:1];
            e_last  <= d_par[0];
        end
    end

    // ---- requantize + ReLU (3 stages), then the output FIFO ----
    wire        f_valid, f_last;
    wire [7:0]  f_y;
    wire [31:0] f_acc;
    requant_relu #(.SW(33)) u_rq (
        .clk(clk), .in_valid(e_valid && !rst), .acc(e_acc), .mult(e_mult), .shift(e_shift),
        .sgn(cfg_signed_out), .in_side({e_last, e_acc}), .out_valid(f_valid), .y(f_y),
        .out_side({f_last, f_acc}));

    wire fifo_empty;
    sync_fifo #(.W(41), .DEPTH(OUT_DEPTH)) u_out (
        .clk(clk), .rst(rst), .wr_en(f_valid && !rst), .wr_data({f_last, f_y, f_acc}),
        .rd_en(fire_o), .rd_data({m_out_last, m_out_y, m_out_acc}), .empty(fifo_empty));
    assign m_out_valid = !fifo_empty;
    assign fire_o      = m_out_valid && m_out_ready;
    // the array's busy cycles for the accelerator's counters (COMPUTE, STALL_OUT on split)
    assign arr_first   = b_valid && b_fresh;
    assign arr_stall   = b_valid && !b_fresh;
endmodule
`default_nettype wire
