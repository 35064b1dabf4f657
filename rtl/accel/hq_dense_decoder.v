// Decoder of the `dense` layout (docs/layouts.md, model/accel/dense_decoder.cpp): one bit
// stream of fixed-width fields, b = lo bits (low-only layer) or hi bits (uniform layer) per
// weight, row-major, rows not byte-aligned. Takes the read engine's bus words (a valid byte
// range per word) into a bit buffer and emits per row ceil(K / LANES) beats in the tile's
// format, zero past K:
//   UNIFORM = 1: LANES int8 weights: the hi-bit value sign-extended, or the low code c of the
//                row worth c << lo_shift (lo_shift of the row `row`, from the command unit);
//   UNIFORM = 0: LANES / M blocks of the `block` format with the instance's LO and N
//                (hq_accel: LO = 4, N = M, the wide beat of hq_beat_split.v): each low code
//                (lo 1: -1, +1; lo 2..4: -(2^(lo-1) - 1) .. 2^(lo-1) - 1) as an LO-bit two's
//                complement code, no marker; lo_shift is applied by the tile. A field of hi bits (a uniform layer, lo 0, or a high row of
//                `rowgroup`, hi_row) is a high weight: the marker at its lane and its value
//                in the block's next slot; in a high row a value 0 is the low code 0
//                (model/accel/rowgroup_decoder.cpp), in a uniform layer every weight is high
//                (model/accel/lanegroup_array.cpp counts it so).
// `bad` (sticky until `clear`): a marker (lo >= 2), -2^(hi-1) (uniform or high row) or, in a
// high row of a lo = 1 layer, 0 among the first K fields of a row, which the model refuses
// with ERR_WEIGHTS. With `markers` (the low plane of
// `escape`, UNIFORM = 0) a marker is no error: it goes to the tile as its marker code, and
// hq_escape_decoder fills the slots.
`include "pe_widths.vh"
`default_nettype none
module hq_dense_decoder #(
    parameter UNIFORM = 0,
    parameter LANES   = 64,
    parameter M       = 32,
    parameter N       = 1,
    parameter LO      = 2,
    parameter HI      = 8,
    parameter IB      = 8                  // input bytes per bus word
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream: empty buffer, row 0
    input  wire [2:0]  lo,                 // the layer's lo bits (0: uniform layer)
    input  wire [3:0]  hi,                 // the layer's hi bits (4 or 8)
    input  wire [15:0] cols,               // K
    input  wire        markers,            // escape plane: pass marker codes through
    input  wire        hi_row,             // rowgroup: the rows now streamed are high rows
    input  wire        restart,            // rowgroup: a new run of rows from another stream:
    input  wire [2:0]  skip,               //   drop the buffer, skip bits of the next word
    input  wire [15:0] row_lim,            // rowgroup: no beat of row >= row_lim (the run's end;
                                           // the padding bits after it are no weights)
    output reg  [15:0] row,                // row being decoded
    input  wire [2:0]  lo_shift,           // lo_shift of `row`
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [IB*8-1:0] in_data,
    input  wire [$clog2(IB):0] in_lo,      // first valid byte of the word
    input  wire [$clog2(IB):0] in_n,       // valid bytes from in_lo on
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N)-1:0] out_data,
    output wire        out_last,
    output reg         bad
);
    localparam IBITS = IB * 8;
    localparam CAP   = 2 * IBITS + LANES * 8;  // room for a word while a full beat waits
    localparam FW    = $clog2(CAP + 1);
    localparam BBY   = `PE_BBYTES(LO, HI, M, N);
    localparam [31:0]   ROOM32 = CAP - IBITS;
    localparam [FW-1:0] ROOM = ROOM32[FW-1:0];
    localparam [31:0] LANES32 = LANES;
    localparam [15:0] LANES16 = LANES32[15:0];
    // The stream sits in a ring of whole bus words (bytes written where the last word ended,
    // never shifted) and the beat is read at a bit pointer through one rotator: a buffer
    // shifted by the bits of each beat and filled at any bit offset took two shifters as wide
    // as the buffer (docs/fpga.md). Room for CAP bits from any bit of the first byte.
    localparam SW  = (CAP / 8 + 1 + IB - 1) / IB;  // words of the ring
    localparam S   = SW * IB;                  // its bytes
    localparam SB  = S * 8;                    // its bits
    localparam PW  = $clog2(SB);               // bit pointer
    localparam BW  = $clog2(S);                // byte pointer
    localparam OW  = $clog2(IB);               // byte of a word
    localparam WIN = LANES * 8;                // the most bits a beat reads
    localparam [31:0] SB32 = SB;
    localparam [31:0] S32  = S;
    localparam [31:0] SW32 = SW - 1;
    localparam [PW:0] SB_P = SB32[PW:0];
    localparam [BW:0] S_B  = S32[BW:0];
    localparam [BW-1:0] LASTW = SW32[BW-1:0];   // the ring's last word

    reg  [SB-1:0]  ring;                   // bits rp .. rp + fill - 1 (mod SB) are the stream's
    reg  [PW-1:0]  rp;                     // bit of the next field
    reg  [BW-1:0]  wp;                     // byte where the next word goes
    reg  [FW-1:0]  fill;
    reg  [15:0]    col;                    // first column of the next beat
    wire           hmode = lo == 3'd0 || hi_row;           // fields of hi bits
    wire [3:0]     b = hmode ? hi : {1'b0, lo};         // bits per field
    wire [15:0]    rest = cols - col;
    wire [15:0]    take_w = (rest < LANES16) ? rest : LANES16;
    wire [FW+3:0]  take_bits = take_w[FW-1:0] * b;
    assign out_valid = !clear && {4'd0, fill} >= take_bits && row < row_lim;
    assign in_ready  = !clear && fill <= ROOM;
    assign out_last  = rest <= LANES16;

    // the beat's bits: the ring from rp on (bits past `fill` are stale; no field reads them in
    // a beat that is offered), the ring rotated down by rp one bit of rp at a time, largest
    // step first: after the step of bit k only the WIN + 2^k - 1 low bits can still reach the
    // window, and synthesis drops the rest (a `>>` of the doubled ring is built lowest bit
    // first, every stage as wide as the ring; docs/fpga.md). rp < SB, so the sum is exact.
    wire [(PW+1)*SB-1:0] rs /*verilator split_var*/;  // stage k: rotated by rp bits k .. PW-1
    assign rs[PW*SB +: SB] = ring;
    genvar gr;
    generate
        for (gr = 0; gr < PW; gr = gr + 1) begin : g_rot
            localparam K = PW - 1 - gr;        // rp's bit of this step, from the top
            wire [SB-1:0] x = rs[(K+1)*SB +: SB];
            assign rs[K*SB +: SB] = rp[K] ? {x[(1<<K)-1:0], x[SB-1:(1<<K)]} : x;
        end
    endgenerate
    wire [WIN-1:0]  window = rs[WIN-1:0];

    // ---- the beat: field i of the window, decoded ----
    // A high weight's value goes to the slot of its rank in its block (the high weights
    // before it). The values are compacted by log2(M) stages: at stage t a value moves 2^t
    // lanes down when bit t of its distance (the low weights before it in the block) is set;
    // taken lowest bit first no two values meet. (A rank used as a variable part-select index
    // made a shifter as wide as the beat per lane, a select per slot over the lanes that can
    // hold its rank M^2 / 2 comparators per block; docs/fpga.md.)
    localparam NBLK = LANES / M;
    localparam RW   = $clog2(M + 1);
    reg [7:0]        f, v;
    reg [3:0]        c;                    // low code, 4-bit two's complement
    reg              err;
    reg [LANES*8-1:0] vals, nvals;         // each lane's value; at a compaction stage
    reg [LANES-1:0]  high, nhigh;          // the lane holds a high weight (marker + slot)
    reg [LANES*RW-1:0] gap, ngap;        // low weights before the lane in its block
    reg [RW-1:0]     cnt;
    integer i, k, s, j, t;
    always @* begin
        out_data = {`PE_WBEAT(UNIFORM, LANES, LO, HI, M, N){1'b0}};
        err = 1'b0;
        f = 8'd0;
        v = 8'd0;
        c = 4'd0;
        vals = {(LANES*8){1'b0}};
        high = {LANES{1'b0}};
        for (i = 0; i < LANES; i = i + 1) begin
            case (b)
                4'd1:    f = {7'd0, window[i]};
                4'd2:    f = {6'd0, window[2*i +: 2]};
                4'd3:    f = {5'd0, window[3*i +: 3]};
                4'd4:    f = {4'd0, window[4*i +: 4]};
                default: f = window[8*i +: 8];
            endcase
            case (lo)
                3'd1:    c = f[0] ? 4'd1 : 4'hF;
                3'd2:    c = {{2{f[1]}}, f[1:0]};
                3'd3:    c = {f[2], f[2:0]};
                default: c = f[3:0];
            endcase
            if (i < take_w) begin
                if (hmode) begin
                    v = (hi == 4'd4) ? {{4{f[3]}}, f[3:0]} : f;
                    if (v == ((hi == 4'd4) ? 8'hF8 : 8'h80)) err = 1'b1;
                    if (lo == 3'd1 && v == 8'd0) err = 1'b1;
                end else begin
                    v = {{4{c[3]}}, c} << lo_shift;
                    if (lo >= 3'd2 && f == (8'd1 << (lo - 3'd1)) && !markers) err = 1'b1;
                end
                vals[i*8 +: 8] = v;
                if (UNIFORM != 0)
                    out_data[i*8 +: 8] = v;
                else if (hmode) begin
                    if (lo == 3'd0 || v != 8'd0) begin
                        out_data[(i / M) * BBY * 8 + (i % M) * LO +: LO] =
                            {1'b1, {(LO-1){1'b0}}};
                        high[i] = 1'b1;
                    end
                end else if (lo >= 3'd2 && f == (8'd1 << (lo - 3'd1)))
                    // the plane's marker (escape) as the beat's marker
                    out_data[(i / M) * BBY * 8 + (i % M) * LO +: LO] = {1'b1, {(LO-1){1'b0}}};
                else
                    out_data[(i / M) * BBY * 8 + (i % M) * LO +: LO] = c[LO-1:0];
            end
        end
        // the high values into their blocks' slots (the first N of each block)
        gap = {(LANES*RW){1'b0}};
        cnt = {RW{1'b0}};
        nvals = {(LANES*8){1'b0}};
        nhigh = {LANES{1'b0}};
        ngap = {(LANES*RW){1'b0}};
        if (UNIFORM == 0) begin
            for (k = 0; k < NBLK; k = k + 1) begin
                cnt = {RW{1'b0}};
                for (j = 0; j < M; j = j + 1) begin
                    gap[(k*M + j)*RW +: RW] = cnt;
                    cnt = cnt + {{(RW-1){1'b0}}, !high[k*M + j]};
                end
            end
            for (t = 0; (1 << t) < M; t = t + 1) begin
                nvals = {(LANES*8){1'b0}};
                nhigh = {LANES{1'b0}};
                ngap = {(LANES*RW){1'b0}};
                for (k = 0; k < NBLK; k = k + 1)
                    for (j = 0; j < M; j = j + 1) begin
                        // stays when its bit t is clear; the lane 2^t above moves in when set
                        if (high[k*M + j] && !gap[(k*M + j)*RW + t]) begin
                            nvals[(k*M + j)*8 +: 8] = vals[(k*M + j)*8 +: 8];
                            ngap[(k*M + j)*RW +: RW] = gap[(k*M + j)*RW +: RW];
                            nhigh[k*M + j] = 1'b1;
                        end
                        if (j + (1 << t) < M) begin
                            if (high[k*M + j + (1 << t)] &&
                                gap[(k*M + j + (1 << t))*RW + t]) begin
                                nvals[(k*M + j)*8 +: 8] = vals[(k*M + j + (1 << t))*8 +: 8];
                                ngap[(k*M + j)*RW +: RW] =
                                    gap[(k*M + j + (1 << t))*RW +: RW];
                                nhigh[k*M + j] = 1'b1;
                            end
                        end
                    end
                vals = nvals;
                high = nhigh;
                gap = ngap;
            end
            for (k = 0; k < NBLK; k = k + 1)
                for (s = 0; s < N && s < M; s = s + 1)
                    out_data[k * BBY * 8 + M * LO + s * HI +: HI] =
                        high[k*M + s] ? vals[(k*M + s)*8 +: HI] : {HI{1'b0}};
        end
    end

    // the word's valid bytes go to ring bytes wp .. wp + in_n - 1: the word rotated so that
    // its byte in_lo lands on byte wp of a ring word, written into the ring word of wp and the
    // next one
    wire           fire_o = out_valid && out_ready;
    wire           fire_i = in_valid && in_ready;
    reg  [2:0]       skip_q;               // bits to drop from the next word (restart)
    wire [FW-1:0]    in_bits = {{(FW-$clog2(IB)-4){1'b0}}, in_n, 3'b000} - {{(FW-3){1'b0}}, skip_q};
    wire [OW-1:0]    wo  = wp[OW-1:0];
    wire [OW-1:0]    rot = wo - in_lo[OW-1:0];
    wire [2*IBITS-1:0] rot2 = {in_data, in_data} << {rot, 3'b000};
    wire [IBITS-1:0] wdata = rot2[2*IBITS-1:IBITS];
    wire [BW-1:0]    ww  = wp >> OW;        // ring word of wp
    wire [BW-1:0]    ww1 = (ww == LASTW) ? {BW{1'b0}} : ww + 1'b1;
    wire [OW+1:0]    wend = {2'b00, wo} + {1'b0, in_n};   // one past the last byte, from ww
    wire [31:0]      ww32   = {{(32-BW){1'b0}}, ww};
    wire [31:0]      ww132  = {{(32-BW){1'b0}}, ww1};
    wire [31:0]      wo32   = {{(32-OW){1'b0}}, wo};
    wire [31:0]      wend32 = {{(30-OW){1'b0}}, wend};
    reg  [S-1:0]     wen;
    always @* begin
        wen = {S{1'b0}};
        for (i = 0; i < S; i = i + 1)
            if ((i / IB == ww32 && i % IB >= wo32 && i % IB < wend32) ||
                (i / IB == ww132 && i % IB + IB < wend32))
                wen[i] = 1'b1;
    end
    wire [PW:0]    rp_add = {1'b0, rp} + take_bits[PW:0];
    wire [PW:0]    rp_wrap = rp_add - SB_P;
    wire [PW-1:0]  rp_next = (rp_add >= SB_P) ? rp_wrap[PW-1:0] : rp_add[PW-1:0];
    wire [BW:0]    wp_add = {1'b0, wp} + {{(BW-OW){1'b0}}, in_n};
    wire [BW:0]    wp_wrap = wp_add - S_B;
    wire [BW-1:0]  wp_next = (wp_add >= S_B) ? wp_wrap[BW-1:0] : wp_add[BW-1:0];

    wire unused_bits = ^{in_lo[OW], rs[SB-1:WIN], rot2[IBITS-1:0], rp_wrap[PW], wp_wrap[BW]};

    always @(posedge clk) begin
        if (clear) begin
            rp     <= {PW{1'b0}};
            wp     <= {BW{1'b0}};
            fill   <= {FW{1'b0}};
            col    <= 16'd0;
            row    <= 16'd0;
            bad    <= 1'b0;
            skip_q <= 3'd0;
        end else if (restart) begin
            // the run's first bits are skipped by starting the read there
            rp     <= {{(PW-3){1'b0}}, skip};
            wp     <= {BW{1'b0}};
            fill   <= {FW{1'b0}};
            col    <= 16'd0;
            skip_q <= skip;
        end else begin
            if (fire_i) begin
                skip_q <= 3'd0;
                wp     <= wp_next;
                for (i = 0; i < S; i = i + 1)
                    if (wen[i]) ring[i*8 +: 8] <= wdata[(i % IB)*8 +: 8];
            end
            fill <= (fire_o ? fill - take_bits[FW-1:0] : fill) + (fire_i ? in_bits : {FW{1'b0}});
            if (fire_o) begin
                rp <= rp_next;
                if (err) bad <= 1'b1;
                col <= out_last ? 16'd0 : col + take_w;
                if (out_last) row <= row + 16'd1;
            end
        end
    end
endmodule
`default_nettype wire
