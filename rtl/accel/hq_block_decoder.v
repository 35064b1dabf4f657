// Decoder of the `block` layout (docs/layouts.md, model/accel/block_decoder.cpp) for every
// N:M, lo (1..4) and hi (4, 8) the descriptor holds, into the decoders' beat of
// hq_beat_split.v: LANES / MT groups of MT 4-bit codes (the marker 4'b1000 at a high weight)
// and MT slots holding the group's high values in position order. The tile's own format keeps
// its gearbox path (hq_accel.v); this one takes every other.
//
// A row is ceil(K / M) byte-aligned blocks, back to back; M need not divide the beat, so a
// block's weights land in up to ceil((M - 1) / LANES) + 1 beats. The bus words go into a bit
// buffer; each cycle one take of at most TW bits (plus a block's byte padding) is cut from
// the buffer's bottom, so the fields are always at bit 0 (no wide extraction shifter):
//   codes: up to TW / lo of the block's codes, within one beat, rotated to their lanes of a
//          window of WB beats (codes past K are dropped: the model ignores a block's padding);
//   slots: lo >= 2: unused slots (index >= the block's markers) up to TW / hi at a time,
//          checked 0; a used one alone: its value goes to the next slot of the first window
//          group with fewer values than markers (the values come in position order);
//          lo = 1: slots up to the first used one (value != 0) at a time; the used one marks
//          its lane and is inserted into its group's slots at its rank (slots may come in any
//          order).
// A beat leaves the window when every block that covers it is decoded.
//   bad (sticky until `clear`), as the model refuses: lo >= 2 more markers than N in a block's
//   columns < K, a used slot 0 or -2^(hi-1), an unused slot not 0; lo = 1 a used slot at a
//   position >= the block's columns < K, holding -2^(hi-1), or at a position already taken.
`include "pe_widths.vh"
`default_nettype none
module hq_block_decoder #(
    parameter LANES = 64,
    parameter MT    = 32,                  // lanes per group of the beat (hq_accel: M)
    parameter CL    = 4,                   // code bits of the beat
    parameter HI    = 8,
    parameter IB    = 8,                   // input bytes per bus word
    parameter TW    = 64,                  // bits of one take
    parameter WB    = 8                    // window beats (power of two): M <= 64 * (WB - 3)
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream: empty buffer, row 0
    input  wire [2:0]  lo,                 // the layer's lo bits (1..4)
    input  wire [3:0]  hi,                 // its hi bits (4, 8)
    input  wire [7:0]  bn,                 // N
    input  wire [7:0]  bm,                 // M (>= 2; the header check refuses less)
    input  wire [15:0] cols,               // K
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [IB*8-1:0] in_data,
    input  wire [$clog2(IB):0] in_lo,      // first valid byte of the word
    input  wire [$clog2(IB):0] in_n,       // valid bytes from in_lo on
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(0, LANES, CL, HI, MT, MT)-1:0] out_data,
    output wire        out_last,
    output reg         bad
);
    localparam IBITS = IB * 8;
    localparam TMAX  = TW + 7;             // a take and the block's padding
    localparam CAP   = TMAX + 2 * IBITS;   // room for a word while a take waits
    localparam FW    = $clog2(CAP + 1);
    localparam NG    = LANES / MT;
    localparam BBW   = `PE_BBYTES(CL, HI, MT, MT);
    localparam LW    = $clog2(LANES);
    localparam GW    = $clog2(MT);
    localparam KW    = $clog2(MT + 1);
    localparam EW    = $clog2(WB);
    localparam [31:0]   ROOM32 = CAP - IBITS;
    localparam [FW-1:0] ROOM = ROOM32[FW-1:0];
    localparam [31:0]   LANES32 = LANES;
    localparam [CL-1:0] MARK = {1'b1, {(CL-1){1'b0}}};

    // ---- bit buffer: bit 0 the oldest ----
    reg  [CAP-1:0] buffer;
    reg  [FW-1:0]  fill;

    // ---- the layer's format, latched at clear ----
    reg  [3:0]  pbc;                       // ceil(log2 M)
    reg  [15:0] bbits;                     // bits of a block's fields
    integer q;
    always @* begin
        pbc = 4'd0;
        for (q = 1; q <= 8; q = q + 1)
            if ((9'd1 << (q - 1)) < {1'b0, bm}) pbc = q[3:0];
        bbits = (lo == 3'd1) ? {8'd0, bm} + {8'd0, bn} * ({12'd0, pbc} + {12'd0, hi})
                             : {8'd0, bm} * {13'd0, lo} + {8'd0, bn} * {12'd0, hi};
    end
    reg  [3:0]  pb;                        // position bits of a lo = 1 slot
    reg  [4:0]  sw;                        // bits of a slot
    reg  [2:0]  pad;                       // padding bits after a block's last field
    reg  [7:0]  cpc, spc;                  // codes / slots per take
    reg  [15:0] nbeats;                    // beats per row
    localparam [7:0] TW8 = TW;
    always @(posedge clk)
        if (clear) begin
            pb  <= pbc;
            sw  <= (lo == 3'd1) ? {1'b0, pbc} + {1'b0, hi} : {1'b0, hi};
            pad <= 3'd0 - bbits[2:0];
            cpc <= (lo == 3'd1) ? TW8 : (lo == 3'd2) ? TW8 / 8'd2 : (lo == 3'd3) ? TW8 / 8'd3
                                                                            : TW8 / 8'd4;
            spc <= TW8 / ((lo == 3'd1) ? {4'd0, pbc} + {4'd0, hi} : {4'd0, hi});
            nbeats <= (cols + LANES32[15:0] - 16'd1) >> LW;
        end

    // ---- parser state ----
    reg         in_slots;                  // the block's slots (else its codes)
    reg  [7:0]  j;                         // next code of the block
    reg  [7:0]  s;                         // next slot
    reg  [8:0]  marks;                     // markers among the block's columns < K
    reg  [15:0] bcol;                      // the block's first column
    reg  [15:0] col;                       // next code's column (bcol + j)
    reg  [31:0] rb;                        // beat id of the row's first beat
    reg  [31:0] fin;                       // beats decoded completely: ids < fin
    reg  [31:0] hb;                        // beat id of the window's head

    // ---- the window: WB beats of codes, per group its slots, values and markers ----
    // (flat vectors written at constant indices and read through muxes: Yosys maps arrays
    // written at variable indices to multi-port memories it did not finish in 15 minutes)
    localparam CW = LANES * CL;            // codes of a window beat
    localparam SW = MT * HI;               // slots of a group
    localparam NE = WB * NG;               // groups of the window
    reg  [WB*CW-1:0]    wcode;
    reg  [NE*SW-1:0]    wslot;
    reg  [NE*KW-1:0]    wcnt;              // markers of the group
    reg  [NE*KW-1:0]    wfil;              // values placed
    reg  [WB-1:0]       wlast;             // the row's last beat

    // ---- one take ----
    wire [15:0] valid16 = (cols - bcol < {8'd0, bm}) ? cols - bcol : {8'd0, bm};
    wire [7:0]  codes_left = bm - j;
    wire [7:0]  slots_left = bn - s;
    wire [15:0] lane_room = LANES32[15:0] - {{(16-LW){1'b0}}, col[LW-1:0]};
    wire        in_k = col < cols;
    wire [31:0] wid = rb + {16'd0, col >> LW};   // beat id the codes go to
    wire        room = wid - hb < WB;          // ... inside the window
    reg  [7:0]  n;                         // fields taken
    reg  [7:0]  tb;                        // bits taken
    reg         blk_end;                   // the take ends the block
    reg         t_ok;                      // the take can go
    reg         used;                      // a used slot is taken (the last field)
    reg         fold;                      // lo >= 2: a block without markers ends with the
                                           // take of its last codes and its (zero) slots,
    reg         fold1;                     // ... or with one marker, in this take, and its
                                           // value in slot 0 (the others zero)
    reg  [TW-1:0] fsl;                     // the block's slots, fold or fold1
    reg  [15:0] nh;                        // bits of the block's slots (lo >= 2)
    reg  [CAP-1:0] after;                  // the buffer past the take's codes
    reg  [15:0] m16;
    reg  [7:0]  hv;                        // the used slot's value, sign-extended to 8 bits
    reg  [7:0]  pos;                       // lo = 1: its position
    reg  [LANES*CL-1:0] batch;             // the take's codes, 4-bit, lane 0 first
    reg  [LANES-1:0]    bmk;               // ... which are markers
    reg         err;
    reg  [7:0]  f;
    reg  [CL-1:0] c4;
    integer i, si, soff;
    reg  [7:0]  n0;                        // lo = 1: slots the take may hold
    reg         hit;                       // ... a used one among them
    always @* begin
        n = 8'd0;
        tb = 8'd0;
        blk_end = 1'b0;
        fold = 1'b0;
        fold1 = 1'b0;
        fsl = {TW{1'b0}};
        nh = {8'd0, bn} * {12'd0, hi};
        after = {CAP{1'b0}};
        used = 1'b0;
        err = 1'b0;
        hv = 8'd0;
        pos = 8'd0;
        batch = {(LANES*CL){1'b0}};
        bmk = {LANES{1'b0}};
        f = 8'd0;
        c4 = {CL{1'b0}};
        m16 = 16'd0;
        si = 0;
        soff = 0;
        n0 = 8'd0;
        hit = 1'b0;
        i = 0;                             // loop indices set on every path: no latch
        if (!in_slots) begin
            m16 = {8'd0, (codes_left < cpc) ? codes_left : cpc};
            if (in_k) begin
                if (lane_room < m16) m16 = lane_room;
                if (cols - col < m16) m16 = cols - col;
            end
            n = m16[7:0];
            tb = n * {5'd0, lo};
            blk_end = n == codes_left && bn == 8'd0;
            for (i = 0; i < LANES; i = i + 1) begin
                case (lo)
                    3'd1:    f = {7'd0, buffer[i]};
                    3'd2:    f = {6'd0, buffer[2*i +: 2]};
                    3'd3:    f = {5'd0, buffer[3*i +: 3]};
                    default: f = {4'd0, buffer[4*i +: 4]};
                endcase
                case (lo)
                    3'd1:    c4 = f[0] ? 4'd1 : 4'hF;
                    3'd2:    c4 = {{2{f[1]}}, f[1:0]};
                    3'd3:    c4 = {f[2], f[2:0]};
                    default: c4 = f[3:0];
                endcase
                if (lo >= 3'd2 && f == (8'd1 << (lo - 3'd1))) c4 = MARK;
                if (i < n && in_k) begin
                    batch[i*CL +: CL] = c4;
                    bmk[i] = c4 == MARK;
                end
            end
            after = buffer >> tb;
            fsl = after[TW-1:0] & ~({TW{1'b1}} << nh);
            hv = (hi == 4'd4) ? {{4{after[3]}}, after[3:0]} : after[7:0];
            fold = lo >= 3'd2 && bn != 8'd0 && n == codes_left && marks == 9'd0 &&
                   {8'd0, tb} + nh <= TW &&
                   ((bmk == {LANES{1'b0}} && fsl == {TW{1'b0}}) ||
                    (bmk != {LANES{1'b0}} && (bmk & (bmk - 1'b1)) == {LANES{1'b0}} &&
                     (fsl >> hi) == {TW{1'b0}} && hv != 8'd0 &&
                     hv != ((hi == 4'd4) ? 8'hF8 : 8'h80)));
            fold1 = fold && bmk != {LANES{1'b0}};
            if (fold) begin
                tb = tb + nh[7:0];
                blk_end = 1'b1;
            end
        end else if (lo >= 3'd2) begin
            if ({1'b0, s} < marks) begin
                // a used slot: alone (its value has a destination to find)
                n = 8'd1;
                used = 1'b1;
                hv = (hi == 4'd4) ? {{4{buffer[3]}}, buffer[3:0]} : buffer[7:0];
                if (hv == 8'd0 || hv == ((hi == 4'd4) ? 8'hF8 : 8'h80)) err = 1'b1;
            end else begin
                n = (slots_left < spc) ? slots_left : spc;
                for (i = 0; i < TW / 4; i = i + 1)
                    if (i < n && ((hi == 4'd4) ? buffer[4*i +: 4] != 4'd0
                                               : (i < TW / 8 && buffer[8*i +: 8] != 8'd0)))
                        err = 1'b1;
            end
            tb = n * {3'd0, sw};
            blk_end = n == slots_left;
        end else begin
            // lo = 1: the slots up to the first used one (slot offsets summed, not multiplied:
            // synth_ecp5's `share` ran out of 10 GiB on a multiplier per slot)
            n0 = (slots_left < spc) ? slots_left : spc;
            n = n0;
            hit = 1'b0;
            soff = 0;
            for (i = 0; i <= TW / 5; i = i + 1) begin
                if (i < n0 && !hit) begin
                    si = soff;
                    if ((buffer[soff + {28'd0, pb} +: 8] & ((hi == 4'd4) ? 8'h0F : 8'hFF)) != 8'd0) begin
                        n = i[7:0] + 8'd1;
                        hit = 1'b1;
                    end
                end
                soff = soff + {27'd0, sw};
            end
            tb = si[7:0] + {3'd0, sw};
            blk_end = n == slots_left;
            f = buffer[si + {28'd0, pb} +: 8];
            hv = (hi == 4'd4) ? {{4{f[3]}}, f[3:0]} : f;
            pos = buffer[si +: 8] & ~(8'hFF << pb);
            used = hv != 8'd0;
            if (used && ({8'd0, pos} >= valid16 || hv == ((hi == 4'd4) ? 8'hF8 : 8'h80)))
                err = 1'b1;
        end
        if (blk_end) tb = tb + {5'd0, pad};
        t_ok = !clear && {24'd0, tb} <= {{(32-FW){1'b0}}, fill} && n != 8'd0 &&
               (in_slots || !in_k || room);
    end

    // ---- where a used slot's value goes ----
    // lo >= 2: the first group (from the head) with fewer values than markers
    // lo = 1: the group of column bcol + pos, at the rank of its lane among the markers
    wire [15:0] pcol = bcol + {8'd0, pos};
    wire [31:0] pid  = rb + {16'd0, pcol >> LW};
    integer       de, dg, di;              // window entry, its group, the group's index
    reg  [KW-1:0] drank;
    reg           dfound, dup;
    reg  [LANES*CL-1:0] ecode;
    reg  [MT-1:0] gmk;
    reg  [NE-1:0] open;                    // groups with fewer values than markers
    reg  [2*NE-1:0] open2;
    integer e, g, l;
    integer hbi, oq;
    always @* begin
        hbi = {{(32-EW){1'b0}}, hb[EW-1:0]};
        l = 0;                             // set on every path: no latch
        di = 0;
        de = 0;
        dg = 0;
        drank = {KW{1'b0}};
        dfound = 1'b0;
        dup = 1'b0;
        ecode = {(LANES*CL){1'b0}};
        gmk = {MT{1'b0}};
        oq = 0;
        for (e = 0; e < NE; e = e + 1) open[e] = wfil[e*KW +: KW] < wcnt[e*KW +: KW];
        // from the head on: the groups rotated so that the head's first is bit 0
        open2 = {open, open} >> (hbi * NG);
        if (lo >= 3'd2) begin
            for (e = NE - 1; e >= 0; e = e - 1)
                if (open2[e]) begin
                    oq = e;
                    dfound = 1'b1;
                end
            de = (hbi + oq / NG) % WB;
            dg = oq % NG;
            drank = wfil[(de * NG + dg) * KW +: KW];
        end else begin
            de = {{(32-EW){1'b0}}, pid[EW-1:0]};
            // (shifted, not sliced: with LANES = MT the group field is empty, dg 0)
            dg = {{(32-LW){1'b0}}, pcol[LW-1:0]} >> GW;
            ecode = wcode[de * CW +: CW];
            for (l = 0; l < MT; l = l + 1)
                gmk[l] = ecode[(dg * MT + l) * CL +: CL] == MARK;
            dup = gmk[pcol[GW-1:0]];
            for (l = 0; l < MT; l = l + 1)
                if (l < {{(32-GW){1'b0}}, pcol[GW-1:0]} && gmk[l]) drank = drank + 1'b1;
            dfound = 1'b1;
        end
        di = de * NG + dg;
    end

    // ---- the beat at the head ----
    wire [EW-1:0] hd = hb[EW-1:0];
    assign out_valid = !clear && fin != hb;
    assign out_last  = wlast[hd];
    always @* begin
        out_data = {`PE_WBEAT(0, LANES, CL, HI, MT, MT){1'b0}};
        for (g = 0; g < NG; g = g + 1) begin
            out_data[g*BBW*8 +: MT*CL] = wcode[hd*CW + g*MT*CL +: MT*CL];
            out_data[g*BBW*8 + MT*CL +: MT*HI] = wslot[(hd*NG + g)*SW +: SW];
        end
    end
    wire fire_o = out_valid && out_ready;

    // ---- input words ----
    wire           fire_i = in_valid && in_ready;
    assign in_ready = !clear && fill <= ROOM;
    wire [31:0]    tb32   = {24'd0, tb};
    wire [FW-1:0]  left   = t_ok ? fill - tb32[FW-1:0] : fill;
    localparam [IBITS-1:0] IB_ONES = {IBITS{1'b1}};
    wire [IBITS-1:0] word = (in_data >> (in_lo * 8)) & ~(IB_ONES << (in_n * 8));

    // the take's codes at their lanes: a rotation by the first lane
    wire [2*LANES*CL-1:0] rot2 = {{(LANES*CL){1'b0}}, batch} << (col[LW-1:0] * CL);
    wire [LANES*CL-1:0]   rot  = rot2[LANES*CL-1:0];
    wire [2*LANES-1:0]    mk2  = {{LANES{1'b0}}, bmk} << col[LW-1:0];
    wire [LANES-1:0]      mrot = mk2[LANES-1:0];
    wire [2*LANES-1:0]    en2  = {{LANES{1'b0}}, ~({LANES{1'b1}} << n)} << col[LW-1:0];
    wire [LANES-1:0]      wen  = in_k ? en2[LANES-1:0] : {LANES{1'b0}};
    reg  [LANES*CL-1:0]   cmask;
    reg  [KW-1:0]         gadd [0:NG-1];   // markers the take adds to each group
    reg  [8:0]            tmarks;
    always @* begin
        tmarks = 9'd0;
        for (l = 0; l < LANES; l = l + 1) begin
            cmask[l*CL +: CL] = {CL{wen[l]}};
            if (mrot[l]) tmarks = tmarks + 9'd1;
        end
        for (g = 0; g < NG; g = g + 1) begin
            gadd[g] = {KW{1'b0}};
            for (l = 0; l < MT; l = l + 1)
                if (mrot[g*MT + l]) gadd[g] = gadd[g] + 1'b1;
        end
    end

    wire [31:0] blk_endcol = {16'd0, bcol} + {24'd0, bm};
    wire        row_end = blk_endcol >= {16'd0, cols};
    reg  [MT*HI-1:0] ins;                  // the group's slots with the value inserted
    reg  [HI-1:0]    hvv;
    integer k;
    reg  [MT*HI-1:0] dslot;                // the group's slots
    always @* begin
        dslot = wslot[di*SW +: SW];
        ins = dslot;
        hvv = hv[HI-1:0];
        for (k = MT - 1; k >= 0; k = k - 1)
            if (k > {{(32-KW){1'b0}}, drank}) ins[k*HI +: HI] = dslot[(k-1)*HI +: HI];
            else if (k == {{(32-KW){1'b0}}, drank}) ins[k*HI +: HI] = hvv;
    end
    wire place = t_ok && used && dfound && !err && !dup;
    // fold1: the value goes to the marker's group, after the group's values (every earlier
    // marker of the group has its value: the blocks are decoded in order)
    integer       f1e;                     // the group's index in the window
    reg  [KW-1:0] f1rank;
    always @* begin
        f1e = 0;
        for (l = 0; l < LANES; l = l + 1)
            if (mrot[l]) f1e = {{(32-EW){1'b0}}, wid[EW-1:0]} * NG + l / MT;
        f1rank = wcnt[f1e*KW +: KW];
    end
    wire [EW-1:0] lastb = rb[EW-1:0] + nbeats[EW-1:0] - 1'b1;   // the row's last beat's entry

    always @(posedge clk) begin
        if (clear) begin
            buffer   <= {CAP{1'b0}};
            fill     <= {FW{1'b0}};
            in_slots <= 1'b0;
            j        <= 8'd0;
            s        <= 8'd0;
            marks    <= 9'd0;
            bcol     <= 16'd0;
            col      <= 16'd0;
            rb       <= 32'd0;
            fin      <= 32'd0;
            hb       <= 32'd0;
            bad      <= 1'b0;
            wlast    <= {WB{1'b0}};
            wcode    <= {(WB*CW){1'b0}};
            wslot    <= {(NE*SW){1'b0}};
            wcnt     <= {(NE*KW){1'b0}};
            wfil     <= {(NE*KW){1'b0}};
        end else begin
            buffer <= (t_ok ? buffer >> tb : buffer) |
                      (fire_i ? {{(CAP-IBITS){1'b0}}, word} << left : {CAP{1'b0}});
            fill   <= left + (fire_i ? {{(FW-$clog2(IB)-4){1'b0}}, in_n, 3'b000} : {FW{1'b0}});
            // (writes in this order: a later one to the same entry wins, as before)
            if (fire_o) begin
                for (e = 0; e < WB; e = e + 1)
                    if ({{(32-EW){1'b0}}, hd} == e) begin
                        wcode[e*CW +: CW] <= {CW{1'b0}};
                        wlast[e] <= 1'b0;
                        wslot[e*NG*SW +: NG*SW] <= {(NG*SW){1'b0}};
                        wcnt[e*NG*KW +: NG*KW]  <= {(NG*KW){1'b0}};
                        wfil[e*NG*KW +: NG*KW]  <= {(NG*KW){1'b0}};
                    end
                hb <= hb + 32'd1;
            end
            if (t_ok) begin
                if (err || (used && dup)) bad <= 1'b1;
                if (!in_slots) begin
                    // codes: into their lanes, markers counted per group and block (codes
                    // past K write nothing: their beat id may be an entry being emitted)
                    if (in_k)
                        for (e = 0; e < WB; e = e + 1)
                            if ({{(32-EW){1'b0}}, wid[EW-1:0]} == e) begin
                                wcode[e*CW +: CW] <= (wcode[e*CW +: CW] & ~cmask) | (rot & cmask);
                                for (g = 0; g < NG; g = g + 1)
                                    wcnt[(e*NG + g)*KW +: KW] <= wcnt[(e*NG + g)*KW +: KW] + gadd[g];
                            end
                    if (fold1)
                        for (e = 0; e < NE; e = e + 1)
                            if (f1e == e) begin
                                for (k = 0; k < MT; k = k + 1)
                                    if ({{(32-KW){1'b0}}, f1rank} == k)
                                        wslot[e*SW + k*HI +: HI] <= hv[HI-1:0];
                                wfil[e*KW +: KW] <= wfil[e*KW +: KW] + 1'b1;
                            end
                    marks <= marks + tmarks;
                    if (lo >= 3'd2 && marks + tmarks > {1'b0, bn}) bad <= 1'b1;
                    j   <= j + n;
                    col <= col + {8'd0, n};
                    if (n == codes_left && bn != 8'd0) in_slots <= 1'b1;
                end else s <= s + n;
                if (place)
                    for (e = 0; e < NE; e = e + 1)
                        if (di == e) begin
                            wslot[e*SW +: SW] <= ins;
                            wfil[e*KW +: KW]  <= wfil[e*KW +: KW] + 1'b1;
                            if (lo == 3'd1) begin
                                for (l = 0; l < LANES; l = l + 1)
                                    if ({{(32-LW){1'b0}}, pcol[LW-1:0]} == l)
                                        wcode[(e / NG * LANES + l)*CL +: CL] <= MARK;
                                wcnt[e*KW +: KW] <= wcnt[e*KW +: KW] + 1'b1;
                            end
                        end
                if (blk_end) begin
                    in_slots <= 1'b0;
                    j        <= 8'd0;
                    s        <= 8'd0;
                    marks    <= 9'd0;
                    if (row_end) begin
                        rb   <= rb + {16'd0, nbeats};
                        fin  <= rb + {16'd0, nbeats};
                        for (e = 0; e < WB; e = e + 1)
                            if ({{(32-EW){1'b0}}, lastb} == e) wlast[e] <= 1'b1;
                        bcol <= 16'd0;
                        col  <= 16'd0;
                    end else begin
                        fin  <= rb + (blk_endcol >> LW);
                        bcol <= blk_endcol[15:0];
                        col  <= blk_endcol[15:0];
                    end
                end
            end
        end
    end
    wire unused = ^{rot2[2*LANES*CL-1:LANES*CL], mk2[2*LANES-1:LANES], en2[2*LANES-1:LANES],
                    pid[31:EW], m16[15:8], tb32[31:FW], after[CAP-1:TW], blk_endcol[31:16], bbits[15:3], di};
endmodule
`default_nettype wire
