// The reference of tests/rtl_dense: rtl/accel/hq_dense_decoder.v as it was before its buffer and
// slots were rebuilt for area (main at f2aa53c: bit-granular shifts of the whole buffer), which
// the new one must equal cycle for cycle and bit for bit. Not part of the design.
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
module hq_dense_decoder_ref #(
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

    reg  [CAP-1:0] buffer;                 // bit 0 is the oldest; zero above `fill`
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

    // ---- the beat: field i of the buffer, decoded ----
    // A high weight's value goes to the slot of its rank in its block (the high weights
    // before it in the block). The slots are filled by a select per slot over the lanes that
    // can hold that rank, every index a constant: a rank used as a variable part-select
    // index makes Yosys expand each lane's write into a case over every bit offset of the
    // beat (synth_ecp5 of the board top ran out of 10 GiB on it; docs/fpga.md).
    localparam NBLK = LANES / M;
    localparam RW   = $clog2(M + 1);
    reg [7:0]        f, v;
    reg [3:0]        c;                    // low code, 4-bit two's complement
    reg              err;
    reg [LANES*8-1:0] vals;                // each lane's value
    reg [LANES-1:0]  high;                 // the lane holds a high weight (marker + slot)
    reg [LANES*RW-1:0] rank;               // high weights before the lane in its block
    reg [RW-1:0]     cnt;
    reg [7:0]        sv;
    integer i, k, s, j;
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
                4'd1:    f = {7'd0, buffer[i]};
                4'd2:    f = {6'd0, buffer[2*i +: 2]};
                4'd3:    f = {5'd0, buffer[3*i +: 3]};
                4'd4:    f = {4'd0, buffer[4*i +: 4]};
                default: f = buffer[8*i +: 8];
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
        rank = {(LANES*RW){1'b0}};
        cnt = {RW{1'b0}};
        sv = 8'd0;
        if (UNIFORM == 0)
            for (k = 0; k < NBLK; k = k + 1) begin
                cnt = {RW{1'b0}};
                for (j = 0; j < M; j = j + 1) begin
                    rank[(k*M + j)*RW +: RW] = cnt;
                    cnt = cnt + {{(RW-1){1'b0}}, high[k*M + j]};
                end
                for (s = 0; s < N && s < M; s = s + 1) begin
                    sv = 8'd0;
                    for (j = s; j < M; j = j + 1)
                        if (high[k*M + j] && {{(32-RW){1'b0}}, rank[(k*M + j)*RW +: RW]} == s)
                            sv = sv | vals[(k*M + j)*8 +: 8];
                    out_data[k * BBY * 8 + M * LO + s * HI +: HI] = sv[HI-1:0];
                end
            end
    end

    wire           fire_o = out_valid && out_ready;
    wire           fire_i = in_valid && in_ready;
    wire [FW-1:0]  left   = fire_o ? fill - take_bits[FW-1:0] : fill;
    wire [CAP-1:0] kept   = fire_o ? buffer >> take_bits : buffer;
    reg  [2:0]       skip_q;               // bits to drop from the next word (restart)
    wire [IBITS-1:0] shifted = (in_data >> (in_lo * 8)) >> skip_q;
    wire [FW-1:0]    in_bits = {{(FW-$clog2(IB)-4){1'b0}}, in_n, 3'b000} - {{(FW-3){1'b0}}, skip_q};
    reg  [CAP-1:0] word;                   // the word's valid bytes, zero above them
    always @* begin
        word = {CAP{1'b0}};
        for (i = 0; i < IB; i = i + 1)
            word[i*8 +: 8] = (i < in_n) ? shifted[i*8 +: 8] : 8'd0;
        word = word & ~({CAP{1'b1}} << in_bits);
    end

    always @(posedge clk) begin
        if (clear) begin
            buffer <= {CAP{1'b0}};
            fill   <= {FW{1'b0}};
            col    <= 16'd0;
            row    <= 16'd0;
            bad    <= 1'b0;
            skip_q <= 3'd0;
        end else if (restart) begin
            buffer <= {CAP{1'b0}};
            fill   <= {FW{1'b0}};
            col    <= 16'd0;
            skip_q <= skip;
        end else begin
            if (fire_i) skip_q <= 3'd0;
            buffer <= fire_i ? kept | (word << left) : kept;
            fill   <= left + (fire_i ? in_bits : {FW{1'b0}});
            if (fire_o) begin
                if (err) bad <= 1'b1;
                col <= out_last ? 16'd0 : col + take_w;
                if (out_last) row <= row + 16'd1;
            end
        end
    end
endmodule
`default_nettype wire
