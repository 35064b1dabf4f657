// Command unit of hq_accel: runs DESC_COUNT descriptors, each as the model's layer engine
// does for a fully connected layer (model/accel/layer_engine.cpp): fetch and check the
// descriptor (descriptor.cpp), read and check the weight image header and lo_shift table
// (layer_image.cpp), read the row parameters (output_unit.cpp), then per image: input DMA to
// the tile, the weight rows streamed through the tile (decoded inline: `dense` int8 rows for
// the uniform array, `block` rows for the lane-group array), the outputs collected and
// written. Every refused descriptor or bus error ends the command with its ERR_* code.
// OP_CONV reads each image into the im2col unit (hq_im2col.v), which feeds the tile one output
// position's K-vector at a time; per position the weight rows stream through the tile and the
// outputs go to their place in the output map, max-pooled in place when POOL > 1 (the first
// output of a window is written, the others keep the maximum). OP_MAXPOOL reads the image the
// same way and pools its bytes in memory order (output_unit.cpp maxpool_u8).
// K-split (FLAG_PSUM_IN/OUT): per image the earlier chunks' int32 partial sums are read from
// the partial-sum area after the row parameters and enter the tile with each row's bias; a
// chunk before the last writes the tile's int32 accumulators there instead of outputs. Row
// bands (FLAG_NO_PAD_TOP/BOTTOM) drop the padding above / below the band's input rows.
// Signed modes (docs/arith.md 7a): FLAG_SIGNED_IN flips bit 7 of every activation byte after
// im2col and padding (act_flip: x + 128 for the array, the host folded -128 x sum(W) into the
// bias); FLAG_SIGNED_OUT makes the tile's requantization clamp to int8 (signed_out);
// CLAMP_HI caps the uint8 outputs of a layer with FLAG_RELU (ReLU6).
// Slice limits (docs/rtl-accel.md): dense = uniform int8 (lo 0, hi 8) on the
// uniform array, block = any N:M, lo and hi on the lane-group array (hq_block_decoder).
`default_nettype none
`include "hq_accel_regmap.vh"
module hq_accel_ctrl #(
    parameter UNIFORM    = 0,
    parameter LANES      = 64,
    parameter M          = 32,
    parameter N          = 1,
    parameter LO         = 2,
    parameter HI         = 8,
    parameter NB_MAX     = 16,
    parameter BB         = 9,              // bytes of one block (block layout)
    parameter DW         = 64,
    parameter MAX_ROWS   = 1024,           // row parameter / lo_shift buffer entries
    parameter OBUF_BYTES = 4096,           // output buffer: one image's outputs
    parameter IMG_BYTES  = 4096,           // im2col buffer: one input feature map (conv, pool)
    parameter WBUF_BEATS = 256,            // weight beats kept on chip (hq_wgt_replay)
    parameter VBUF_BYTES = 16384,          // escape: the high-value section; coo: counts, entries
    parameter LAYOUTS    = 31              // decoders built, bit n: layout code n (hq_accel.v)
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,
    input  wire [31:0] start_addr,
    input  wire [8:0]  start_count,
    output reg         finish,
    output reg  [7:0]  finish_err,
    output reg  [31:0] finish_desc,
    output reg  [31:0] finish_addr,
    // read engine
    output reg         rd_cmd,
    output reg  [31:0] rd_addr,
    output reg  [31:0] rd_len,
    input  wire        rd_idle,
    input  wire        rd_err,
    input  wire [31:0] rd_err_addr,
    output reg  [1:0]  rd_dst,             // 0 control words, 1 activations, 2 weights,
                                           // 3 the im2col unit's image buffer
    output wire        rd_weight,          // the data read now is weight image bytes
    input  wire        c_valid,            // control words (4 bytes) from the read engine
    output wire        c_ready,
    input  wire [31:0] c_data,
    output reg         clr_ctl, clr_act, clr_wgt,
    output wire [31:0] act_seg,            // K bytes per activation vector
    output wire [31:0] wgt_seg,            // bytes per weight row
    // im2col unit (conv and max-pool input)
    output wire        conv_mode,          // the tile's activations come from the im2col unit
    output reg         ic_clear,
    output reg         ic_go,
    output wire        ic_stop,
    output wire        act_flip,           // FLAG_SIGNED_IN: activation bytes XOR 0x80
    output wire        signed_out,         // FLAG_SIGNED_OUT: the tile's int8 requantization
    output wire [15:0] ic_in_h,
    output wire [15:0] ic_in_w,
    output wire [15:0] ic_in_c,
    output wire [7:0]  ic_kernel,
    output wire [7:0]  ic_stride,
    output wire [7:0]  ic_pad,
    output wire [7:0]  ic_pad_top,         // PAD, or 0 with FLAG_NO_PAD_TOP (a row band)
    output wire [15:0] ic_conv_h,
    output wire [15:0] ic_conv_w,
    input  wire        ic_valid,           // max-pool: the image's bytes in memory order
    output wire        ic_ready,
    input  wire [7:0]  ic_data,
    // weight beat store (hq_wgt_replay): weights read once per descriptor when they fit
    output wire        wq_capture,
    output wire        wq_replay,
    output reg         wq_restart,
    input  wire        wq_over,            // the capture did not fit the store
    input  wire        wgt_bad,            // the weight stream broke a content check
    output wire        wgt_dense,          // `dense`, `escape`, `coo`, `rowgroup`: the dense decoder
    output wire        wgt_blk,            // `block` of another format than the tile's:
    output wire [7:0]  wgt_bn,             //   hq_block_decoder, with its N and M
    output wire [7:0]  wgt_bm,
    output wire        rg_hi_row,          // rowgroup: the run now streamed is of high rows
    output reg         rg_restart,         // rowgroup: a new run: the decoder drops its buffer
    output reg  [2:0]  rg_skip,            //   and skips these bits of the run's first byte
    output wire [15:0] rg_row_lim,         // rowgroup: the decoder stops at the run's end
    output wire        wgt_esc,            // `escape`: slots from the value buffer
    output wire        wgt_coo,            // `coo`: high weights from the entry buffer
    output wire [15:0] f_rows16,           // ROWS
    output wire [31:0] esc_vbytes,         // bytes of the value section
    output wire        vb_we,              // value buffer write
    output wire [31:0] vb_addr,
    output wire [31:0] vb_data,
    output wire [2:0]  wgt_lo,             // its lo and hi bits
    output wire [3:0]  wgt_hi,
    input  wire [15:0] dec_row,            // the dense decoder's row: its lo_shift
    output wire [2:0]  dec_lo_shift,
    // tile
    output reg         tile_rst,
    output wire        row_valid,
    input  wire        row_ready,
    output wire [31:0] row_bias,
    output wire [31:0] row_mult,
    output wire [5:0]  row_shift,
    output wire [4:0]  row_lo_shift,
    output wire        row_last,
    input  wire        out_valid,
    output wire        out_ready,
    input  wire [31:0] out_acc,
    input  wire [7:0]  out_y,
    // write engine
    output wire [$clog2(DW/8)-1:0] wr_off,
    output wire        b_en,
    output wire [31:0] b_idx,
    output wire [7:0]  b_data,
    output wire        b_max,              // write max(buffer byte, b_data) (pooling)
    output reg         wr_cmd,
    output reg  [31:0] wr_addr,
    output reg  [31:0] wr_len,
    input  wire        wr_idle,
    input  wire        wr_err,
    input  wire [31:0] wr_err_addr,
    // counters
    output wire        busy,
    output reg  [31:0] add_wr,
    output reg  [31:0] add_macs,
    output reg         inc_layers,
    output wire [4:0]  state_out,          // for the bench's overhead measurement
    output wire        out_phase           // writing a layer's outputs (OUTPUT counter)
);
    localparam SH = $clog2(DW / 8);
    localparam [4:0] S_IDLE = 0, S_D_ISSUE = 1, S_D_WAIT = 2, S_CHECK = 3, S_H_ISSUE = 4,
                     S_H_WAIT = 5, S_H_CHECK = 6, S_S_ISSUE = 7, S_S_WAIT = 8, S_P_ISSUE = 9,
                     S_P_WAIT = 10, S_I_ISSUE = 11, S_I_WAIT = 12, S_W_ISSUE = 13,
                     S_W_WAIT = 14, S_O_ISSUE = 15, S_O_WAIT = 16, S_L_DONE = 17,
                     S_FAIL = 18, S_OK = 19, S_V_ISSUE = 20, S_V_WAIT = 21,
                     S_M_RUN = 22, S_Q_ISSUE = 23, S_Q_WAIT = 24;
    localparam RW = $clog2(MAX_ROWS);
    localparam [31:0] LO32 = LO, HI32 = HI, M32 = M, N32 = N;
    localparam [7:0]  LO8 = LO32[7:0], HI8 = HI32[7:0], M8 = M32[7:0], N8 = N32[7:0];
    localparam [31:0] K_MAX = NB_MAX * LANES, ROWS_MAX = MAX_ROWS, OBUF_MAX = OBUF_BYTES;
    localparam [47:0] IMG_MAX = IMG_BYTES;
    localparam [31:0] LAY32 = LAYOUTS;
    localparam [7:0]  LAY8 = {3'd0, LAY32[4:0]};
    localparam [31:0] VBUF_MAX = VBUF_BYTES;
    reg [4:0]  state;
    assign state_out = state;
    // OUTPUT: the output writer, and max-pool's pass that puts each byte into its window's
    // place in the output buffer (no tile work; conv positions are compute through the tile)
    assign out_phase = state == S_O_ISSUE || state == S_O_WAIT || state == S_M_RUN;
    assign busy = state != S_IDLE;

    reg [31:0]  desc_cur;                  // address of the current descriptor
    reg [8:0]   desc_left;
    reg [31:0]  desc_idx;
    reg [511:0] d;                         // the descriptor
    reg [127:0] h;                         // the weight image header
    reg [31:0]  words;                     // control words received in this phase
    reg [7:0]   err_code;
    reg [31:0]  err_where;
    reg         bad;                       // a check on streamed control words failed
    reg [31:0]  bias_q, mult_q;

    // ---- descriptor fields (offsets from the generated regmap only) ----
    wire [31:0] f_magic   = d[`HQ_ACCEL_DESC_OFF_MAGIC*8 +: 32];
    wire [7:0]  f_op      = d[`HQ_ACCEL_DESC_OFF_OP*8 +: 8];
    wire [7:0]  f_layout  = d[`HQ_ACCEL_DESC_OFF_LAYOUT*8 +: 8];
    wire [7:0]  f_flags   = d[`HQ_ACCEL_DESC_OFF_FLAGS*8 +: 8];
    wire [7:0]  f_lo      = d[`HQ_ACCEL_DESC_OFF_LO_BITS*8 +: 8];
    wire [7:0]  f_hi      = d[`HQ_ACCEL_DESC_OFF_HI_BITS*8 +: 8];
    wire [7:0]  f_bn      = d[`HQ_ACCEL_DESC_OFF_BLOCK_N*8 +: 8];
    wire [7:0]  f_bm      = d[`HQ_ACCEL_DESC_OFF_BLOCK_M*8 +: 8];
    wire [7:0]  f_pool    = d[`HQ_ACCEL_DESC_OFF_POOL*8 +: 8];
    wire [7:0]  f_kernel  = d[`HQ_ACCEL_DESC_OFF_KERNEL*8 +: 8];
    wire [7:0]  f_stride  = d[`HQ_ACCEL_DESC_OFF_STRIDE*8 +: 8];
    wire [7:0]  f_pad     = d[`HQ_ACCEL_DESC_OFF_PAD*8 +: 8];
    wire [15:0] f_rows    = d[`HQ_ACCEL_DESC_OFF_ROWS*8 +: 16];
    wire [15:0] f_cols    = d[`HQ_ACCEL_DESC_OFF_COLS*8 +: 16];
    wire [15:0] f_in_h    = d[`HQ_ACCEL_DESC_OFF_IN_H*8 +: 16];
    wire [15:0] f_in_w    = d[`HQ_ACCEL_DESC_OFF_IN_W*8 +: 16];
    wire [15:0] f_in_c    = d[`HQ_ACCEL_DESC_OFF_IN_C*8 +: 16];
    wire [15:0] f_out_h   = d[`HQ_ACCEL_DESC_OFF_OUT_H*8 +: 16];
    wire [15:0] f_out_w   = d[`HQ_ACCEL_DESC_OFF_OUT_W*8 +: 16];
    wire [15:0] f_out_c   = d[`HQ_ACCEL_DESC_OFF_OUT_C*8 +: 16];
    wire [31:0] f_in_addr = d[`HQ_ACCEL_DESC_OFF_IN_ADDR*8 +: 32];
    wire [31:0] f_out_addr= d[`HQ_ACCEL_DESC_OFF_OUT_ADDR*8 +: 32];
    wire [31:0] f_w_addr  = d[`HQ_ACCEL_DESC_OFF_WEIGHT_ADDR*8 +: 32];
    wire [31:0] f_w_bytes = d[`HQ_ACCEL_DESC_OFF_WEIGHT_BYTES*8 +: 32];
    wire [31:0] f_p_addr  = d[`HQ_ACCEL_DESC_OFF_PARAM_ADDR*8 +: 32];
    wire [31:0] f_batch   = d[`HQ_ACCEL_DESC_OFF_BATCH*8 +: 32];
    wire [31:0] f_in_str  = d[`HQ_ACCEL_DESC_OFF_IN_STRIDE*8 +: 32];
    wire [31:0] f_out_str = d[`HQ_ACCEL_DESC_OFF_OUT_STRIDE*8 +: 32];
    wire        relu      = f_flags[0];
    // K-split (docs/arith.md): start from the partial sums of the earlier K chunks / write
    // the int32 partial sums (no bias) instead of outputs; row bands of a convolution: no
    // zero padding above / below the input rows (descriptor.h pad_top, pad_bottom)
    wire        psum_in   = (f_flags & `HQ_ACCEL_FLAG_PSUM_IN) != 8'd0;
    wire        psum_out  = (f_flags & `HQ_ACCEL_FLAG_PSUM_OUT) != 8'd0;
    wire        psum_any  = psum_in || psum_out;
    wire [7:0]  pad_top   = (f_flags & `HQ_ACCEL_FLAG_NO_PAD_TOP) != 8'd0 ? 8'd0 : f_pad;
    wire [7:0]  pad_bot   = (f_flags & `HQ_ACCEL_FLAG_NO_PAD_BOTTOM) != 8'd0 ? 8'd0 : f_pad;
    // signed modes: int8 inputs, int8 outputs, the ReLU's upper clamp (0 = 255)
    wire        sgn_in    = (f_flags & `HQ_ACCEL_FLAG_SIGNED_IN) != 8'd0;
    wire        sgn_out   = (f_flags & `HQ_ACCEL_FLAG_SIGNED_OUT) != 8'd0;
    wire        byte_out  = relu || sgn_out;   // one byte per output (else int32)
    wire [7:0]  f_clamp   = d[`HQ_ACCEL_DESC_OFF_CLAMP_HI*8 +: 8];
    assign act_flip   = sgn_in;
    assign signed_out = sgn_out;
    // The descriptor's products and quotients are registered, a multiplier per cycle, and the
    // conv geometry divides one bit per cycle (hq_udiv_seq): S_CHECK and S_H_CHECK wait until
    // they have settled (CHECK_CYCLES), which keeps the multiplier chains off the critical
    // path (docs/fpga.md). The descriptor and the header do not change while they are used.
    reg  [31:0] in_hw, map_hw;
    reg  [47:0] in_bytes, map_bytes;
    always @(posedge clk) begin
        in_hw     <= f_in_h * f_in_w;
        map_hw    <= f_out_h * f_out_w;
        in_bytes  <= {16'd0, in_hw} * {32'd0, f_in_c};
        map_bytes <= {16'd0, map_hw} * {32'd0, f_out_c};
    end
    wire [47:0] out48     = byte_out ? map_bytes : {map_bytes[45:0], 2'b00};
    wire        is_conv   = f_op == `HQ_ACCEL_OP_CONV;
    wire        is_pool   = f_op == `HQ_ACCEL_OP_MAXPOOL;
    assign conv_mode = is_conv;
    // conv geometry (descriptor.cpp): the positions before pooling
    wire [16:0] ph = {1'b0, f_in_h} + {9'd0, pad_top} + {9'd0, pad_bot};
    wire [16:0] pw = {1'b0, f_in_w} + {8'd0, f_pad, 1'b0};
    wire        k_fits = ph >= {9'd0, f_kernel} && pw >= {9'd0, f_kernel};
    wire [7:0]  st1 = (f_stride == 8'd0) ? 8'd1 : f_stride;
    wire        div_start;
    wire [16:0] conv_hq, conv_wq;
    wire        div_busy_h, div_busy_w;
    hq_udiv_seq #(.W(17), .D(8)) u_div_h (
        .clk(clk), .start(div_start), .a(ph - {9'd0, f_kernel}), .b(st1), .q(conv_hq),
        .busy(div_busy_h));
    hq_udiv_seq #(.W(17), .D(8)) u_div_w (
        .clk(clk), .start(div_start), .a(pw - {9'd0, f_kernel}), .b(st1), .q(conv_wq),
        .busy(div_busy_w));
    wire [16:0] conv_h17 = conv_hq + 17'd1;
    wire [16:0] conv_w17 = conv_wq + 17'd1;
    wire [15:0] conv_h = is_pool ? f_in_h : conv_h17[15:0];
    wire [15:0] conv_w = is_pool ? f_in_w : conv_w17[15:0];
    reg  [16:0] kk, k2c;
    reg  [31:0] conv_hw, macs, row_step;
    always @(posedge clk) begin
        kk      <= {9'd0, f_kernel} * {9'd0, f_kernel};
        k2c     <= kk * {1'b0, f_in_c};
        conv_hw <= {16'd0, conv_h} * {16'd0, conv_w};
        row_step <= {16'd0, f_out_w} * {16'd0, f_out_c};   // a row of pooled positions
    end
    assign ic_in_h   = f_in_h;
    assign ic_in_w   = f_in_w;
    assign ic_in_c   = f_in_c;
    assign ic_kernel = is_pool ? 8'd1 : f_kernel;
    assign ic_stride = is_pool ? 8'd1 : f_stride;
    assign ic_pad    = is_pool ? 8'd0 : f_pad;
    assign ic_pad_top = is_pool ? 8'd0 : pad_top;
    // one image's int32 partial sums: every position before pooling x ROWS (the partial-sum
    // area, descriptor.h psum_bytes); PSUM_OUT writes them instead of the outputs
    // (registered after conv_hw: one multiplier per cycle, CHECK_CYCLES waits for it)
    reg  [63:0] psum64;
    always @(posedge clk)
        psum64 <= {32'd0, is_conv ? conv_hw : 32'd1} * {48'd0, f_rows} * 64'd4;
    wire [31:0] out_bytes = psum_out ? psum64[31:0] : out48[31:0];
    assign ic_conv_h = conv_h;
    assign ic_conv_w = conv_w;

    // derived sizes: block rows are ceil(K / M) blocks of BB bytes; dense is one bit stream
    // of ROWS x K fields of lo (or, uniform, hi) bits
    // A layout whose decoder this build leaves out (LAYOUTS) is refused with ERR_LAYOUT by the
    // checks below whatever these flags say (the check that sees the flag off gives the same
    // code as the LAY8 check after it), so they are constant 0 then: Yosys drops the logic
    // of layouts that cannot run (the rowgroup check held the ECP5 board's critical path)
    wire        esc       = LAY8[`HQ_ACCEL_LAYOUT_ESCAPE] && f_layout == `HQ_ACCEL_LAYOUT_ESCAPE;
    wire        coo       = LAY8[`HQ_ACCEL_LAYOUT_COO] && f_layout == `HQ_ACCEL_LAYOUT_COO;
    wire        sidebuf   = esc || coo;    // sections after the plane read into a buffer
    // rowgroup: the row bitmap read once per layer (S_V_*), then runs of rows of one class,
    // each read from its stream (high rows: hi bits per weight, low rows: lo bits)
    wire        rowg      = LAY8[`HQ_ACCEL_LAYOUT_ROWGROUP] &&
                            f_layout == `HQ_ACCEL_LAYOUT_ROWGROUP;
    // (the uniform array's dense decoder is its only path, built whatever LAYOUTS says)
    wire        dense     = (UNIFORM != 0 || LAY8[`HQ_ACCEL_LAYOUT_DENSE]) &&
                            f_layout == `HQ_ACCEL_LAYOUT_DENSE;
    wire        plane     = dense || sidebuf;   // one bit stream
    wire [31:0] nblk      = ({16'd0, f_cols} + M - 1) / M;
    // `block` of another N:M, lo or hi than the tile's (hq_block_decoder): ceil(K / M) blocks
    // of ceil(bits / 8) bytes; the block count divided one bit per cycle (CHECK_CYCLES)
    wire        blkg      = UNIFORM == 0 && f_layout == `HQ_ACCEL_LAYOUT_BLOCK &&
                            (f_lo != LO8 || f_hi != HI8 || f_bm != M8 || f_bn != N8);
    wire [16:0] nblk_g;
    wire        div_busy_b;
    hq_udiv_seq #(.W(17), .D(8)) u_div_b (
        .clk(clk), .start(div_start), .a({1'b0, f_cols} + {9'd0, f_bm} - 17'd1),
        .b((f_bm < 8'd2) ? 8'd2 : f_bm), .q(nblk_g), .busy(div_busy_b));
    reg  [3:0]  bpos;                      // position bits of a lo = 1 slot: ceil(log2 M)
    integer pq;
    always @* begin
        bpos = 4'd0;
        for (pq = 1; pq <= 8; pq = pq + 1)
            if ((9'd1 << (pq - 1)) < {1'b0, f_bm}) bpos = pq[3:0];
    end
    // bytes of one block, in three registered steps (a product each): used only through
    // row_bytes, after the block count's division (CHECK_CYCLES)
    reg  [15:0] bb_g, bb_bmlo, bb_bnhi, bb_bnph;
    reg  [8:0]  bb_ph;                     // bpos + hi
    always @(posedge clk) begin
        bb_ph   <= {5'd0, bpos} + {1'b0, f_hi};
        bb_bmlo <= {8'd0, f_bm} * {8'd0, f_lo};
        bb_bnhi <= {8'd0, f_bn} * {8'd0, f_hi};
        bb_bnph <= {8'd0, f_bn} * {7'd0, bb_ph};
        bb_g    <= (((f_lo == 8'd1) ? {8'd0, f_bm} + bb_bnph : bb_bmlo + bb_bnhi) + 16'd7) >> 3;
    end
    assign wgt_blk = blkg;
    assign wgt_bn  = f_bn;
    assign wgt_bm  = f_bm;
    wire [31:0] payload   = (f_lo != 8'd0) ? (({16'd0, f_rows} + 32'd16 + 32'd15) & ~32'd15)
                                           : 32'd16;
    reg  [31:0] row_bytes;
    reg  [47:0] fields, plane_bits, block_bytes, sec_bytes;
    always @(posedge clk) begin
        row_bytes   <= blkg ? {15'd0, nblk_g} * {16'd0, bb_g} : nblk * BB;
        fields      <= {32'd0, f_rows} * {32'd0, f_cols};
        plane_bits  <= fields * ((f_lo != 8'd0) ? {40'd0, f_lo} : {40'd0, f_hi});
        block_bytes <= {32'd0, f_rows} * {16'd0, row_bytes};
        sec_bytes   <= rowg ? 48'd0 : plane ? (plane_bits + 48'd7) >> 3 : block_bytes;
        macs        <= fields[31:0] * (is_conv ? conv_hw : 32'd1);
    end
    assign wgt_dense = plane || rowg || blkg;
    assign wgt_esc   = esc;
    assign wgt_coo   = coo;
    assign f_rows16  = f_rows;
    assign wgt_lo    = f_lo[2:0];
    assign wgt_hi    = f_hi[3:0];
    assign act_seg = {16'd0, f_cols};
    // the layer's weight beats fit the store: read once per descriptor, replayed for every
    // conv position and image of the batch
    // (every path gives the tile ceil(K / LANES) beats per row: block rows through the
    // gearbox, the dense, escape and coo decoders' rows)
    wire [31:0] beats_row = ({16'd0, f_cols} + LANES - 1) / LANES;
    reg  [47:0] beats_all;
    always @(posedge clk) beats_all <= {32'd0, f_rows} * {16'd0, beats_row};
    localparam [47:0] WBUF_MAX = WBUF_BEATS;
    wire        w_keep = beats_all <= WBUF_MAX;
    reg         w_have;                    // the store holds this descriptor's beats
    reg         w_from_store;              // this pass replays them (else streams/captures)
    assign wq_capture = state == S_W_WAIT && w_keep && !w_from_store;
    assign wq_replay  = state == S_W_WAIT && w_from_store;
    assign wgt_seg = row_bytes;

    // ---- descriptor checks, in the model's order (descriptor.cpp, layer_engine.cpp) ----
    reg [7:0] chk;
    wire [7:0] pool1 = (f_pool > 8'd1) ? f_pool : 8'd1;
    // OUT_H == H / POOL as OUT_H * POOL <= H < OUT_H * POOL + POOL (no divider)
    reg  [24:0] oh_p, ow_p;
    always @(posedge clk) begin
        oh_p <= {9'd0, f_out_h} * {17'd0, pool1};
        ow_p <= {9'd0, f_out_w} * {17'd0, pool1};
    end
    wire [24:0] p25 = {17'd0, pool1};
    wire out_h_is_in  = oh_p <= {9'd0, f_in_h} && {9'd0, f_in_h} < oh_p + p25;
    wire out_w_is_in  = ow_p <= {9'd0, f_in_w} && {9'd0, f_in_w} < ow_p + p25;
    wire out_h_is_cnv = oh_p <= {8'd0, conv_h17} && {8'd0, conv_h17} < oh_p + p25;
    wire out_w_is_cnv = ow_p <= {8'd0, conv_w17} && {8'd0, conv_w17} < ow_p + p25;
    always @* begin
        chk = 8'd0;
        if (f_magic != 32'h444C5148)                                  chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_op < `HQ_ACCEL_OP_DENSE || f_op > `HQ_ACCEL_OP_MAXPOOL)
                                                                      chk = `HQ_ACCEL_ERR_BAD_DESC;
        // (every FLAGS bit is defined: no unknown-flag check)
        // signed modes: int8 inputs not on max-pool; int8 outputs without ReLU, partial sums
        // or pooling; CLAMP_HI only with ReLU (a max-pool, always ReLU, ignores it)
        else if (sgn_in && is_pool)                                   chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (sgn_out && (relu || psum_out || pool1 > 8'd1))       chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_clamp != 8'd0 && !relu)                            chk = `HQ_ACCEL_ERR_BAD_DESC;
        // partial sums: not on max-pool; a chunk before the last keeps int32 (no ReLU, no
        // pool, not the last descriptor); row bands: convolutions only
        else if (psum_any && is_pool)                                 chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (psum_out && (relu || f_flags[1] || pool1 > 8'd1))    chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_flags[5:4] != 2'd0 && !is_conv)                    chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_batch < 32'd1 || f_batch > 32'h100000)             chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_in_h == 0 || f_in_w == 0 || f_in_c == 0 || f_out_h == 0 || f_out_w == 0 ||
                 f_out_c == 0)                                        chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_pool) begin
            if (pool1 < 8'd2)                                         chk = `HQ_ACCEL_ERR_BAD_DESC;
            else if (f_out_c != f_in_c || !out_h_is_in || !out_w_is_in) chk = `HQ_ACCEL_ERR_BAD_SHAPE;
            else if (!relu)                                           chk = `HQ_ACCEL_ERR_BAD_DESC;
            else if (f_batch > 32'd1 && ({16'd0, f_in_str} < in_bytes || f_out_str < out_bytes))
                                                                      chk = `HQ_ACCEL_ERR_BAD_DESC;
            else if (in_bytes > IMG_MAX || out48 > {16'd0, OBUF_MAX}) chk = `HQ_ACCEL_ERR_BUF_OVERFLOW;
        end
        else if (f_rows != f_out_c)                                   chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (!is_conv && {32'd0, f_cols} != in_bytes)             chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (!is_conv && (f_out_h != 16'd1 || f_out_w != 16'd1 || pool1 != 8'd1))
                                                                      chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_conv && (f_kernel == 8'd0 || f_stride == 8'd0))   chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_conv && {1'b0, f_cols} != k2c)                    chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_conv && f_pad >= f_kernel)                        chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_conv && !k_fits)                                  chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (is_conv && (!out_h_is_cnv || !out_w_is_cnv))
                                                                      chk = `HQ_ACCEL_ERR_BAD_SHAPE;
        else if (!byte_out && !psum_out && !(f_op == `HQ_ACCEL_OP_DENSE))
                                                                      chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_layout > `HQ_ACCEL_LAYOUT_ESCAPE)                  chk = `HQ_ACCEL_ERR_BAD_DESC;
        // dense on both arrays, block, escape and coo on the lane-group array
        else if (!dense && (UNIFORM != 0 ||
                            (f_layout != `HQ_ACCEL_LAYOUT_BLOCK && !sidebuf && !rowg)))
                                                                      chk = `HQ_ACCEL_ERR_LAYOUT;
        // a layout whose decoder this build leaves out (LAYOUTS; blocks of another format
        // below, once their lo and hi are known valid)
        else if (UNIFORM == 0 && f_layout != `HQ_ACCEL_LAYOUT_BLOCK && !LAY8[f_layout[2:0]])
                                                                      chk = `HQ_ACCEL_ERR_LAYOUT;
        else if (f_hi != 8'd4 && f_hi != 8'd8)                        chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_lo > 8'd4 || (f_layout != `HQ_ACCEL_LAYOUT_DENSE && f_lo == 8'd0) ||
                 (f_lo != 8'd0 && f_lo >= f_hi))                      chk = `HQ_ACCEL_ERR_BAD_DESC;
        else if (f_w_bytes < 32'd16 || f_w_bytes[3:0] != 4'd0)        chk = `HQ_ACCEL_ERR_WEIGHTS;
        else if (f_batch > 32'd1 && ({16'd0, f_in_str} < in_bytes ||
                                     (!psum_out && f_out_str < out_bytes)))
                                                                      chk = `HQ_ACCEL_ERR_BAD_DESC;
        // what this tile computes: on the uniform array every dense width (the decoder makes
        // int8 weights); on the lane-group array low codes of 1 to 4 bits (its low lanes take
        // -1, 0, +1: 3- and 4-bit codes go as ternary digits, hq_beat_split) or uniform values
        // of at most HI bits (every weight high, through hq_beat_split) and blocks of its own
        // LO/HI/N:M (escape: lo >= 2, high values of at most its HI bits); blocks of any
        // other N:M, lo and hi through hq_block_decoder
        else if ((UNIFORM != 0) ? 1'b0
                 : (coo || rowg) ? (f_lo == 8'd0 || LO8 < 8'd2 || f_hi > HI8)
                 : dense ? (LO8 < 8'd2 || f_hi > HI8)
                 : esc   ? (f_lo < 8'd2 || LO8 < 8'd2 || f_hi > HI8)
                 : blkg  ? (LO8 < 8'd2 || f_hi > HI8 || !LAY8[`HQ_ACCEL_LAYOUT_BLOCK])
                         : 1'b0)
                                                                      chk = `HQ_ACCEL_ERR_LAYOUT;
        else if ({16'd0, f_cols} > K_MAX || {16'd0, f_rows} > ROWS_MAX ||
                 out48 > {16'd0, OBUF_MAX} || (is_conv && in_bytes > IMG_MAX) ||
                 (psum_any && psum64 > {32'd0, OBUF_MAX}))   // one image's partial sums
                                                                      chk = `HQ_ACCEL_ERR_BUF_OVERFLOW;
    end

    // the checks settle: the registered products (3 cycles), then chk_q / hbad_q (1); a conv
    // waits for its dividers too (started in S_CHECK's first cycle, 17 bits, then conv_hw,
    // psum64 and chk_q); so does a `block` layer of another format (its block count)
    wire [5:0] CHECK_CYCLES = (is_conv || blkg) ? 6'd21 : 6'd4;
    localparam [5:0] HCHECK_CYCLES = 6'd4;
    reg  [5:0] settle;
    reg  [7:0] chk_q;
    reg        hbad_q;
    assign div_start = state == S_CHECK && settle == 6'd0;
    always @(posedge clk) begin
        chk_q  <= chk;
        hbad_q <= hbad;
        settle <= (state == S_CHECK || state == S_H_CHECK) ? settle + 6'd1 : 6'd0;
    end

    // ---- weight image header checks (layer_image.cpp read_image_header, decode_weights) ----
    wire [7:0]  h_layout = h[7:0];
    wire [7:0]  h_lo     = h[15:8];
    wire [7:0]  h_hi     = h[23:16];
    wire [7:0]  h_n      = h[31:24];
    wire [15:0] h_m      = h[47:32];
    wire [15:0] h_rows   = h[63:48];
    wire [15:0] h_cols   = h[79:64];
    wire [7:0]  h_ver    = h[87:80];
    wire [31:0] h_total  = h[127:96];
    reg  [47:0] h_fields, h_bits, h_min;
    always @(posedge clk) begin
        h_fields <= {32'd0, h_rows} * {32'd0, h_cols};
        h_bits   <= h_fields * ((h_lo != 8'd0) ? {40'd0, h_lo} : {40'd0, h_hi});
        h_min    <= 48'd16 + ((h_lo != 8'd0) ? {32'd0, h_rows} : 48'd0) + ((h_bits + 7) >> 3);
    end
    reg hbad;
    always @* begin
        hbad = 1'b0;
        if (h_layout > 8'd4 || h_ver != 8'd1) hbad = 1'b1;
        if (h_lo > 8'd4 || (h_hi != 8'd4 && h_hi != 8'd8) || (h_lo != 8'd0 && h_lo >= h_hi))
            hbad = 1'b1;
        if (h_rows == 16'd0 || h_cols == 16'd0) hbad = 1'b1;
        if (h_total > f_w_bytes || h_total < 32'd16 || h_total[3:0] != 4'd0) hbad = 1'b1;
        if (h_min > {16'd0, h_total}) hbad = 1'b1;
        if (h_lo != 8'd0 && 32'd16 + {16'd0, h_rows} > h_total) hbad = 1'b1;
        if (h_layout != f_layout || h_rows != f_rows || h_cols != f_cols || h_lo != f_lo ||
            h_hi != f_hi)
            hbad = 1'b1;
        if (f_layout == `HQ_ACCEL_LAYOUT_BLOCK && (h_n != f_bn || h_m != {8'd0, f_bm}))
            hbad = 1'b1;
        // block_decoder.cpp: 2 <= M, N <= M
        if (f_layout == `HQ_ACCEL_LAYOUT_BLOCK && (h_m < 16'd2 || {8'd0, h_n} > h_m))
            hbad = 1'b1;
        if (h_total != f_w_bytes) hbad = 1'b1;
        if ({16'd0, payload} + sec_bytes > {16'd0, h_total}) hbad = 1'b1;
    end

    // escape: the high values, coo: the counts and entries follow the plane, 16-byte aligned,
    // up to the image end
    reg  [31:0] v_off, v_len;
    always @(posedge clk) begin
        v_off <= rowg ? payload : (payload + sec_bytes[31:0] + 32'd15) & ~32'd15;
        v_len <= rowg ? (({16'd0, f_rows} + 32'd31) >> 5) << 2 : h_total - v_off;
    end

    // ---- rowgroup: the bitmap, the high-row count, the two streams' offsets ----
    reg  [31:0] rg_map [0:MAX_ROWS/32-1];
    reg  [15:0] rg_nh;                     // high rows
    reg  [15:0] rg_r0, rg_r;               // the run [rg_r0, rg_r)
    reg  [2:0]  rg_st;                     // 0 done, 1 start, 2 extend, 3 issue, 4 drain
    reg  [15:0] rg_lim;                    // end of the run the decoder is on
    reg         rg_hi;                     // the run's rows are high rows
    assign rg_hi_row = rowg && rg_hi;
    assign rg_row_lim = rowg ? rg_lim : 16'hFFFF;
    reg  [47:0] rg_hbit, rg_lbit;          // next bit of the high / low stream
    wire [31:0] rg_mw    = rg_map[rg_r[RW-1:5]];
    wire        rg_bit   = rg_mw[rg_r[4:0]];
    wire [31:0] rg_offh  = (payload + ((({16'd0, f_rows} + 32'd7) >> 3)) + 32'd15) & ~32'd15;
    wire [47:0] rg_hbytes = ({32'd0, rg_nh} * {32'd0, f_cols} * {40'd0, f_hi} + 48'd7) >> 3;
    wire [47:0] rg_offl  = ({16'd0, rg_offh} + rg_hbytes + 48'd15) & ~48'd15;
    wire [47:0] rg_end   = rg_offl + (({32'd0, f_rows - rg_nh} * {32'd0, f_cols} *
                                       {40'd0, f_lo} + 48'd7) >> 3);
    wire [47:0] rg_bits  = {32'd0, rg_r - rg_r0} * {32'd0, f_cols} *
                           (rg_hi ? {40'd0, f_hi} : {40'd0, f_lo});
    wire [47:0] rg_start = rg_hi ? {16'd0, rg_offh} * 48'd8 + rg_hbit : rg_offl * 48'd8 + rg_lbit;
    // the high rows of a bitmap word, counted by an adder tree (pop64, hq_popcount.vh)
    `include "hq_popcount.vh"
    reg  [31:0] rg_in;                     // the word's bits of rows < ROWS
    reg  [6:0]  rg_pop;                    // at most 32
    integer pi;
    always @* begin
        for (pi = 0; pi < 32; pi = pi + 1)
            rg_in[pi] = words * 32 + pi < {16'd0, f_rows} && c_data[pi];
        rg_pop = pop64({32'd0, rg_in});
    end
    assign esc_vbytes = v_len;
    assign vb_we   = state == S_V_WAIT && c_fire;
    assign vb_addr = words;
    assign vb_data = c_data;

    // ---- per-row buffers: requantization parameters and lo_shift ----
    // The parameters and the partial sums are block RAM (docs/fpga.md): one write port and
    // one registered read port that reads ahead at srow's next value, so the register holds
    // row srow's entry when the tile takes it. lo_shift (3 bits a row, four rows a word) is
    // small distributed RAM read at any address: the dense decoder runs ahead of the tile.
    reg [68:0] p_mem   [0:MAX_ROWS-1];     // {rq_shift, rq_mult, bias}
    reg [68:0] p_q;                        // row srow's parameters
    reg [11:0] p_lsh   [0:MAX_ROWS/4-1];   // lo_shift, four rows per word
    reg [15:0] srow;                       // next row to hand to the tile
    reg [15:0] orow;                       // next row output
    reg [1:0]  osub;                       // byte of an int32 output being written
    wire [RW-1:0] sr = srow[RW-1:0];
    wire [11:0] lsw = p_lsh[sr[RW-1:2]];
    wire [2:0]  lsb = lsw[sr[1:0]*3 +: 3];
    assign row_valid    = state == S_W_WAIT && srow < f_rows && !rd_err;
    wire   row_fire     = row_valid && row_ready;
    wire   p_we         = state == S_P_WAIT && c_fire && osub[1];
    wire [15:0] srow_nx = rst ? srow :
                          (state == S_P_ISSUE || state == S_W_ISSUE) ? 16'd0 :
                          (p_we || row_fire) ? srow + 16'd1 : srow;
    always @(posedge clk) begin
        if (p_we) p_mem[sr] <= {c_data[5:0], mult_q[30:0], bias_q};
        p_q <= p_mem[srow_nx[RW-1:0]];
    end
    // K-split: the tile adds the bias to its accumulator mod 2^32, so the earlier chunks'
    // partial sum enters with it (acc + psum + bias, as output_unit.cpp adds them); a chunk
    // before the last adds no bias
    localparam QW = $clog2(OBUF_BYTES / 4);
    // (q_base changes only when a position's rows are all out, before S_W_ISSUE)
    reg  [31:0] q_mem [0:OBUF_BYTES/4-1];  // one image's partial sums (FLAG_PSUM_IN)
    reg  [31:0] q_q;                       // the partial sum of row srow
    reg  [31:0] q_base;                    // this position's first partial sum: pos x ROWS
    wire [31:0] q_idx = q_base + {16'd0, srow_nx};
    always @(posedge clk) begin
        if (state == S_Q_WAIT && c_fire) q_mem[words[QW-1:0]] <= c_data;
        q_q <= q_mem[q_idx[QW-1:0]];
    end
    wire [31:0] q_sum = psum_in ? q_q : 32'd0;
    assign row_bias     = (psum_out ? 32'd0 : p_q[31:0]) + q_sum;
    assign row_mult     = {1'b0, p_q[62:32]};
    assign row_shift    = p_q[68:63];
    assign row_lo_shift = (f_lo != 8'd0) ? {2'd0, lsb} : 5'd0;
    assign row_last     = srow + 16'd1 == f_rows;
    // second read port of the lo_shift table: the dense decoder's row (it runs ahead)
    wire [RW-1:0] dr  = dec_row[RW-1:0];
    wire [11:0]   dlw = p_lsh[dr[RW-1:2]];
    wire [2:0]    dlb = dlw[dr[1:0]*3 +: 3];
    assign dec_lo_shift = (f_lo != 8'd0) ? dlb : 3'd0;

    // ---- output positions (conv: one per K-vector; max-pool: one per IN_C bytes) and the
    // pooling window they fall in: (py, px) the pooled position, (dy, dx) inside the window ----
    reg  [15:0] pos_y, pos_x, py, px, ch;
    reg  [7:0]  dy, dx;
    wire        pos_last_x = pos_x == conv_w - 16'd1;
    wire        pos_last   = pos_last_x && pos_y == conv_h - 16'd1;
    wire        win_keep   = py < f_out_h && px < f_out_w; // rows/columns past the last window drop
    wire        win_first  = dy == 8'd0 && dx == 8'd0;
    // the window's first output, (py * OUT_W + px) * OUT_C, stepped with the position (no
    // multiplier in the output buffer's address path)
    reg  [31:0] win_base, win_row;         // win_row: py * OUT_W * OUT_C
    wire        ic_fire    = ic_valid && ic_ready;
    assign ic_ready = state == S_M_RUN;
    assign ic_stop  = tile_rst;

    // ---- outputs into the write engine's buffer (uint8 with ReLU, else int32 LE) ----
    wire collecting = state == S_W_WAIT || state == S_I_WAIT;
    wire pooling    = state == S_M_RUN;
    assign out_ready = collecting && (byte_out || osub == 2'd3);
    wire   out_take  = collecting && out_valid; // a row's output (or one byte of an int32)
    assign b_en   = (collecting && out_valid && (!is_conv || win_keep)) ||
                    (pooling && ic_fire && win_keep);
    // int32 (logits, or a K chunk's partial sums: a conv's at their position, pool 1)
    wire [31:0] i32_idx = (is_conv ? win_base : 32'd0) + {16'd0, orow};
    assign b_idx  = pooling ? win_base + {16'd0, ch} :
                    !byte_out ? {i32_idx[29:0], osub} :
                    is_conv ? win_base + {16'd0, orow} : {16'd0, orow};
    // CLAMP_HI (ReLU6): min(y, CLAMP_HI) = clamp(p, 0, CLAMP_HI) for the ReLU's y
    wire   clamp_y = relu && f_clamp != 8'd0 && out_y > f_clamp;
    assign b_data = pooling ? ic_data : !byte_out ? out_acc[osub*8 +: 8] :
                    clamp_y ? f_clamp : out_y;
    // max-pooling in place: the first output of a window is written, the others keep the
    // maximum (the write engine compares with the buffer's byte)
    assign b_max  = (pooling || (relu && is_conv)) && !win_first;

    // ---- control words ----
    assign c_ready = state == S_D_WAIT || state == S_H_WAIT || state == S_S_WAIT ||
                     state == S_P_WAIT || state == S_V_WAIT || state == S_Q_WAIT;
    wire c_fire = c_valid && c_ready;
    assign rd_weight = state == S_H_WAIT || state == S_S_WAIT || state == S_W_WAIT ||
                       state == S_V_WAIT;

    // lo_shift validity (layer_image.cpp): the low code scaled must stay within int8. Which
    // shifts overflow depends only on LO_BITS, set with the descriptor long before the lo_shift
    // words arrive: a registered table, not computed from LO_BITS for every word (ECP5 Fmax)
    wire [7:0] cmax = (f_lo == 8'd1) ? 8'd1 : ((8'd1 << (f_lo - 8'd1)) - 8'd1);
    reg  [7:0] shift_bad;                  // bit s: cmax << s > 127
    integer si;
    always @(posedge clk)
        for (si = 0; si < 8; si = si + 1)
            shift_bad[si] <= ({8'd0, cmax} << si) > 16'd127;
    reg  sbad;
    integer bi;
    always @* begin
        sbad = 1'b0;
        for (bi = 0; bi < 4; bi = bi + 1)
            if (words * 4 + bi < {16'd0, f_rows} &&
                (c_data[bi*8 +: 8] > 8'd7 || shift_bad[c_data[bi*8 +: 3]]))
                sbad = 1'b1;
    end

    reg [32:0] in_cur, out_cur;            // this image's addresses (bit 32: past 4 GiB)
    // the partial-sum area: after the row parameters, rounded up to 64 bytes; images packed
    reg [32:0] q_cur;
    wire [32:0] q_area = {1'b0, f_p_addr} +
                         ((({17'd0, f_rows} * 33'd12) + 33'd63) & ~33'd63);
    wire [31:0] q_bytes = psum64[31:0];    // one image's partial sums
    wire [32:0] q_end   = q_cur + {1'b0, q_bytes};
    wire [32:0] o_cur   = psum_out ? q_cur : out_cur; // where this image's results go
    // advance to the next output position: a max-pool position's last channel, or a conv
    // position whose rows are all out
    wire pos_step = (pooling && ic_fire && ch == f_in_c - 16'd1) ||
                    (state == S_W_WAIT && is_conv && rd_idle && !rd_cmd && !rd_err &&
                     orow == f_rows && !pos_last);
    reg [31:0] img;
    assign wr_off = o_cur[SH-1:0];
    wire [32:0] out_end = o_cur + {1'b0, out_bytes};
    wire [32:0] in_end  = in_cur + {1'b0, in_bytes[31:0]};

    always @(posedge clk) begin
        rd_cmd     <= 1'b0;
        wr_cmd     <= 1'b0;
        finish     <= 1'b0;
        clr_ctl    <= 1'b0;
        clr_act    <= 1'b0;
        clr_wgt    <= 1'b0;
        tile_rst   <= 1'b0;
        inc_layers <= 1'b0;
        ic_clear   <= 1'b0;
        wq_restart <= 1'b0;
        rg_restart <= 1'b0;
        ic_go      <= 1'b0;
        add_wr     <= 32'd0;
        add_macs   <= 32'd0;
        if (c_fire) words <= words + 32'd1;
        if (rst) begin
            state <= S_IDLE;
            tile_rst <= 1'b1;
        end else begin
            case (state)
                S_IDLE: if (start) begin
                    desc_cur  <= start_addr;
                    desc_left <= start_count;
                    desc_idx  <= 32'd0;
                    state     <= S_D_ISSUE;
                end
                S_D_ISSUE: begin
                    tile_rst <= 1'b1;
                    w_have   <= 1'b0;
                    w_from_store <= 1'b0;
                    clr_ctl  <= 1'b1;
                    rd_cmd   <= 1'b1;
                    rd_dst   <= 2'd0;
                    rd_addr  <= desc_cur;
                    rd_len   <= `HQ_ACCEL_DESC_BYTES;
                    words    <= 32'd0;
                    state    <= S_D_WAIT;
                end
                S_D_WAIT: begin
                    if (c_fire) d[words[3:0]*32 +: 32] <= c_data;
                    if (rd_idle && !rd_cmd && (rd_err || words == 32'd16)) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else state <= S_CHECK;
                    end
                end
                S_CHECK: if (settle == CHECK_CYCLES) begin
                    if (chk_q != 8'd0) begin
                        err_code  <= chk_q;
                        err_where <= 32'd0;
                        state     <= S_FAIL;
                    end else if (is_pool) begin
                        // max-pool: no weights, no row parameters
                        img     <= 32'd0;
                        in_cur  <= {1'b0, f_in_addr};
                        out_cur <= {1'b0, f_out_addr};
                        state   <= S_I_ISSUE;
                    end else state <= S_H_ISSUE;
                end
                S_H_ISSUE: begin
                    clr_ctl <= 1'b1;
                    rd_cmd  <= 1'b1;
                    rd_addr <= f_w_addr;
                    rd_len  <= 32'd16;
                    words   <= 32'd0;
                    state   <= S_H_WAIT;
                end
                S_H_WAIT: begin
                    if (c_fire) h[words[1:0]*32 +: 32] <= c_data;
                    if (rd_idle && !rd_cmd && (rd_err || words == 32'd4)) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else state <= S_H_CHECK;
                    end
                end
                S_H_CHECK: if (settle == HCHECK_CYCLES) begin
                    if (hbad_q) begin
                        err_code  <= `HQ_ACCEL_ERR_WEIGHTS;
                        err_where <= f_w_addr;
                        state     <= S_FAIL;
                    end else state <= (f_lo != 8'd0) ? S_S_ISSUE : S_P_ISSUE;
                end
                S_S_ISSUE: begin
                    clr_ctl <= 1'b1;
                    rd_cmd  <= 1'b1;
                    rd_addr <= f_w_addr + 32'd16;
                    rd_len  <= ({16'd0, f_rows} + 32'd3) & ~32'd3;
                    words   <= 32'd0;
                    bad     <= 1'b0;
                    state   <= S_S_WAIT;
                end
                S_S_WAIT: begin
                    if (c_fire) begin
                        p_lsh[words[RW-3:0]] <= {c_data[26:24], c_data[18:16], c_data[10:8],
                                                 c_data[2:0]};
                        if (sbad) bad <= 1'b1;
                    end
                    if (rd_idle && !rd_cmd &&
                        (rd_err || words == (({16'd0, f_rows} + 32'd3) >> 2))) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else if (bad) begin
                            err_code <= `HQ_ACCEL_ERR_WEIGHTS;
                            err_where <= f_w_addr;
                            state <= S_FAIL;
                        end else state <= (sidebuf || rowg) ? S_V_ISSUE : S_P_ISSUE;
                    end
                end
                // escape: the value section into the decoder's buffer, once per layer
                S_V_ISSUE: begin
                    if (v_len > VBUF_MAX) begin
                        err_code  <= `HQ_ACCEL_ERR_BUF_OVERFLOW;
                        err_where <= f_w_addr;
                        state     <= S_FAIL;
                    end else if (v_len == 32'd0) begin
                        state <= S_P_ISSUE;
                    end else begin
                        clr_ctl <= 1'b1;
                        rd_cmd  <= 1'b1;
                        rd_dst  <= 2'd0;
                        rd_addr <= f_w_addr + v_off;
                        rd_len  <= v_len;
                        words   <= 32'd0;
                        rg_nh   <= 16'd0;
                        state   <= S_V_WAIT;
                    end
                end
                S_V_WAIT: begin
                    if (c_fire && rowg) begin
                        rg_map[words[RW-6:0]] <= c_data;
                        rg_nh <= rg_nh + {9'd0, rg_pop};
                    end
                    if (rd_idle && !rd_cmd && (rd_err || words == (v_len >> 2))) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else if (rowg && rg_end > {16'd0, h_total}) begin
                            // the high or low rows run past the image end (rowgroup_decoder.cpp)
                            err_code <= `HQ_ACCEL_ERR_WEIGHTS;
                            err_where <= f_w_addr;
                            state <= S_FAIL;
                        end else state <= S_P_ISSUE;
                    end
                end
                S_P_ISSUE: begin
                    clr_ctl <= 1'b1;
                    rd_cmd  <= 1'b1;
                    rd_addr <= f_p_addr;
                    rd_len  <= {16'd0, f_rows} * 32'd12;
                    words   <= 32'd0;
                    bad     <= 1'b0;
                    srow    <= 16'd0;
                    osub    <= 2'd0;
                    state   <= S_P_WAIT;
                end
                S_P_WAIT: begin
                    if (c_fire) begin
                        case (osub)
                            2'd0: begin bias_q <= c_data; osub <= 2'd1; end
                            2'd1: begin mult_q <= c_data; osub <= 2'd2; end
                            default: begin
                                // rq_mult >= 2^31, rq_shift > 62 or non-zero pad bytes
                                if (mult_q[31] || c_data[7:0] > 8'd62 || c_data[31:8] != 24'd0)
                                    bad <= 1'b1;
                                srow <= srow + 16'd1;   // p_mem written by p_we
                                osub <= 2'd0;
                            end
                        endcase
                    end
                    if (rd_idle && !rd_cmd && (rd_err || words == {16'd0, f_rows} * 32'd3)) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else if (bad) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_DESC;
                            err_where <= 32'd0;
                            state <= S_FAIL;
                        end else begin
                            img     <= 32'd0;
                            in_cur  <= {1'b0, f_in_addr};
                            out_cur <= {1'b0, f_out_addr};
                            q_cur   <= q_area;
                            state   <= psum_in ? S_Q_ISSUE : S_I_ISSUE;
                        end
                    end
                end
                // K-split: this image's partial sums of the earlier K chunks (after the row
                // parameters, before the inputs, as layer_engine.cpp load_inputs)
                S_Q_ISSUE: begin
                    if (q_cur[32] || q_end > 33'h100000000) begin
                        err_code  <= `HQ_ACCEL_ERR_BAD_ADDR;
                        err_where <= q_cur[31:0];
                        state     <= S_FAIL;
                    end else begin
                        clr_ctl <= 1'b1;
                        rd_cmd  <= 1'b1;
                        rd_dst  <= 2'd0;
                        rd_addr <= q_cur[31:0];
                        rd_len  <= q_bytes;
                        words   <= 32'd0;
                        state   <= S_Q_WAIT;
                    end
                end
                S_Q_WAIT: begin
                    if (rd_idle && !rd_cmd && (rd_err || words == (q_bytes >> 2))) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else state <= S_I_ISSUE;
                    end
                end
                S_I_ISSUE: begin
                    if (in_cur[32] || in_end > 33'h100000000) begin
                        err_code  <= `HQ_ACCEL_ERR_BAD_ADDR;
                        err_where <= in_cur[31:0];
                        state     <= S_FAIL;
                    end else begin
                        clr_act  <= 1'b1;
                        ic_clear <= 1'b1;
                        rd_cmd   <= 1'b1;
                        // conv and max-pool: the whole map into the im2col unit
                        rd_dst   <= (is_conv || is_pool) ? 2'd3 : 2'd1;
                        rd_addr  <= in_cur[31:0];
                        rd_len   <= in_bytes[31:0];
                        orow    <= 16'd0;
                        osub    <= 2'd0;
                        state   <= S_I_WAIT;
                    end
                end
                S_I_WAIT: begin
                    if (rd_idle && !rd_cmd) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else begin
                            ic_go <= is_conv || is_pool;
                            q_base <= 32'd0;
                            pos_y <= 16'd0;
                            pos_x <= 16'd0;
                            py    <= 16'd0;
                            px    <= 16'd0;
                            win_base <= 32'd0;
                            win_row  <= 32'd0;
                            dy    <= 8'd0;
                            dx    <= 8'd0;
                            ch    <= 16'd0;
                            state <= is_pool ? S_M_RUN : S_W_ISSUE;
                        end
                    end
                end
                S_M_RUN: begin
                    if (ic_fire) begin
                        ch <= (ch == f_in_c - 16'd1) ? 16'd0 : ch + 16'd1;
                        if (ch == f_in_c - 16'd1 && pos_last) state <= S_O_ISSUE;
                    end
                end
                S_W_ISSUE: begin
                    clr_wgt <= 1'b1;
                    // rowgroup: no single read; the runs below read each from its stream
                    rd_cmd  <= !(w_keep && w_have) && !rowg;
                    rg_st   <= (rowg && !(w_keep && w_have)) ? 3'd1 : 3'd0;
                    rg_r0   <= 16'd0;
                    rg_r    <= 16'd0;
                    rg_lim  <= 16'd0;
                    rg_hbit <= 48'd0;
                    rg_lbit <= 48'd0;
                    w_from_store <= w_keep && w_have;
                    wq_restart <= 1'b1;
                    rd_dst  <= 2'd2;
                    rd_addr <= f_w_addr + payload;
                    rd_len  <= sec_bytes[31:0];
                    srow    <= 16'd0;
                    if (is_conv) orow <= 16'd0;
                    state   <= S_W_WAIT;
                end
                S_W_WAIT: begin
                    // rowgroup: find the next run of rows of one class (a row per cycle),
                    // read it from its stream, wait until the decoder has its last row
                    // (rg_st is 0 here unless rowg: S_W_ISSUE; a build without rowgroup
                    // drops the run logic)
                    case (rowg ? rg_st : 3'd0)
                        3'd1: begin
                            rg_hi <= rg_bit;
                            rg_r  <= rg_r + 16'd1;
                            rg_st <= 3'd2;
                        end
                        3'd2: begin
                            if (rg_r < f_rows && rg_bit == rg_hi) rg_r <= rg_r + 16'd1;
                            else rg_st <= 3'd3;
                        end
                        3'd3: begin
                            rd_cmd     <= 1'b1;
                            rd_dst     <= 2'd2;
                            rd_addr    <= f_w_addr + rg_start[34:3];
                            rd_len     <= ({29'd0, rg_start[2:0]} + rg_bits[31:0] + 32'd7) >> 3;
                            rg_skip    <= rg_start[2:0];
                            rg_restart <= 1'b1;
                            rg_lim     <= rg_r;
                            if (rg_hi) rg_hbit <= rg_hbit + rg_bits;
                            else rg_lbit <= rg_lbit + rg_bits;
                            rg_st      <= 3'd4;
                        end
                        3'd4: begin
                            if (rd_idle && !rd_cmd && (rd_err || dec_row == rg_r)) begin
                                if (rd_err || rg_r == f_rows) rg_st <= 3'd0;
                                else begin
                                    rg_r0 <= rg_r;
                                    rg_st <= 3'd1;
                                end
                            end
                        end
                        default: ;
                    endcase
                    if (rd_idle && !rd_cmd && (!rowg || rg_st == 3'd0) &&
                        (rd_err || orow == f_rows)) begin
                        if (rd_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= rd_err_addr;
                            state <= S_FAIL;
                        end else if (wgt_bad) begin
                            // caught while streaming the first image, before any output
                            err_code <= `HQ_ACCEL_ERR_WEIGHTS;
                            err_where <= f_w_addr;
                            state <= S_FAIL;
                        end else begin
                            w_have <= w_keep && !wq_over;
                            // conv: the next position's rows (pos_step)
                            state <= (is_conv && !pos_last) ? S_W_ISSUE : S_O_ISSUE;
                        end
                    end
                end
                S_O_ISSUE: begin
                    if (o_cur[32] || out_end > 33'h100000000) begin
                        err_code  <= `HQ_ACCEL_ERR_BAD_ADDR;
                        err_where <= o_cur[31:0];
                        state     <= S_FAIL;
                    end else begin
                        wr_cmd  <= 1'b1;
                        wr_addr <= o_cur[31:0];
                        wr_len  <= out_bytes;
                        state   <= S_O_WAIT;
                    end
                end
                S_O_WAIT: begin
                    if (wr_idle && !wr_cmd) begin
                        if (wr_err) begin
                            err_code <= `HQ_ACCEL_ERR_BAD_ADDR;
                            err_where <= wr_err_addr;
                            state <= S_FAIL;
                        end else begin
                            add_wr   <= out_bytes;
                            add_macs <= is_pool ? 32'd0 : macs;
                            img      <= img + 32'd1;
                            in_cur   <= in_cur + {1'b0, f_in_str};
                            out_cur  <= out_cur + {1'b0, f_out_str};
                            q_cur    <= q_cur + {1'b0, q_bytes};
                            state    <= (img + 32'd1 >= f_batch) ? S_L_DONE :
                                        psum_in ? S_Q_ISSUE : S_I_ISSUE;
                        end
                    end
                end
                S_L_DONE: begin
                    inc_layers <= 1'b1;
                    desc_idx   <= desc_idx + 32'd1;
                    desc_cur   <= desc_cur + `HQ_ACCEL_DESC_BYTES;
                    desc_left  <= desc_left - 9'd1;
                    state      <= (desc_left == 9'd1) ? S_OK : S_D_ISSUE;
                end
                S_FAIL: begin
                    tile_rst    <= 1'b1;
                    finish      <= 1'b1;
                    finish_err  <= err_code;
                    finish_desc <= desc_idx;
                    finish_addr <= err_where;
                    state       <= S_IDLE;
                end
                default: begin             // S_OK
                    finish      <= 1'b1;
                    finish_err  <= 8'd0;
                    finish_desc <= 32'd0;
                    finish_addr <= 32'd0;
                    state       <= S_IDLE;
                end
            endcase
            // outputs of the tile, one row (uint8) or one byte of it (int32) per cycle
            if (out_take) begin
                if (byte_out || osub == 2'd3) orow <= orow + 16'd1;
                if (!byte_out) osub <= osub + 2'd1;
            end
            if (row_valid && row_ready) srow <= srow + 16'd1;
            // next output position, in row order, and its pooling window
            if (pos_step) begin
                q_base <= q_base + {16'd0, f_rows};
                if (pos_last_x) begin
                    pos_x <= 16'd0;
                    px    <= 16'd0;
                    dx    <= 8'd0;
                    pos_y <= pos_y + 16'd1;
                    if (dy == pool1 - 8'd1) begin
                        dy <= 8'd0;
                        py <= py + 16'd1;
                        win_row  <= win_row + row_step;
                        win_base <= win_row + row_step;
                    end else begin
                        dy <= dy + 8'd1;
                        win_base <= win_row;
                    end
                end else begin
                    pos_x <= pos_x + 16'd1;
                    if (dx == pool1 - 8'd1) begin
                        dx <= 8'd0;
                        px <= px + 16'd1;
                        win_base <= win_base + {16'd0, f_out_c};
                    end else dx <= dx + 8'd1;
                end
            end
        end
    end
    wire unused_bits = ^{d[255:224], h[95:88], rg_start[47:35],
                         rg_bits[47:32], rg_end[47:32], q_idx[31:QW], i32_idx[31:30],
                         div_busy_h, div_busy_w, div_busy_b};
endmodule
`default_nettype wire
