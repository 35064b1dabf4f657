// hq_accel: the accelerator top (first slice of issue 13, docs/rtl-accel.md). An AXI4-Lite
// slave with the registers of docs/regmap.md (configs/accel/gen/hq_accel_regmap.vh), one AXI4
// master (DW = 32, 64 or 128 bits; no IDs: every burst uses ID 0, so responses are in order)
// for descriptors, weight images, row parameters, activations and outputs, the interrupt
// line, and the existing PE tile (rtl/pe_tile.v) as the compute core.
//
// Parameters: the pe_tile parameters of rtl/configs.json (UNIFORM = 1: uniform8 array with
// the `dense` layout; UNIFORM = 0: lane-group array with the `block` layout; SPLIT = 1: the
// split array, fed the decoders' beat unchanged, every layout as the lane-group array), plus
//   DW         AXI4 data width in bits (32, 64, 128)
//   MAX_ROWS   rows per layer the row-parameter and lo_shift buffers hold
//   OBUF_BYTES one image's outputs (ROWS bytes, or 4 * ROWS for int32 logits)
//   IMG_BYTES  one input feature map of a conv or max-pool layer (the im2col buffer)
//   WBUF_BEATS weight beats kept on chip: a layer that fits is read once per descriptor
//   VBUF_BYTES the high-value section of an `escape` layer, the counts and entries of `coo`
//              (one buffer, hq_side_buf, shared by the two decoders)
//   LAYOUTS    the weight decoders built, bit n for layout code n (regmap.json): dense, coo,
//              block of any other N:M / lo / hi, rowgroup, escape. The lane-group tile's own
//              block format (through the gearbox) is always there; a layout left out is
//              refused with ERR_LAYOUT as the model refuses one its array lacks. Default: all.
//              The decoders feed a lane-group tile through hq_beat_split, which writes the
//              ternary one-slot block (LO = 2, N = 1); a lane-group tile of another format
//              (binary, N > 1) gets no decoder: its own blocks only, LAYOUTS ignored.
`default_nettype none
`include "hq_accel_regmap.vh"
module hq_accel #(
    parameter UNIFORM    = 0,
    parameter LANES      = 64,
    parameter G          = 32,
    parameter M          = 32,
    parameter N          = 1,
    parameter LO         = 2,
    parameter HI         = 8,
    parameter NB_MAX     = 16,
    parameter OPORT      = 1,
    parameter SPLIT      = 0,    // 1: the split array (pe_array_split.v; LO = 4, N = M)
    parameter HMACS      = 2,    // split: MACs of the high-precision unit
    parameter DW         = 64,
    parameter MAX_ROWS   = 1024,
    parameter OBUF_BYTES = 4096,
    parameter IMG_BYTES  = 4096,
    parameter WBUF_BEATS = 256,
    parameter VBUF_BYTES = 16384,
    parameter LAYOUTS    = 31
) (
    input  wire          clk,
    input  wire          rst,
    // AXI4-Lite slave: registers
    input  wire [7:0]    s_axil_awaddr,
    input  wire          s_axil_awvalid,
    output wire          s_axil_awready,
    input  wire [31:0]   s_axil_wdata,
    input  wire [3:0]    s_axil_wstrb,
    input  wire          s_axil_wvalid,
    output wire          s_axil_wready,
    output wire [1:0]    s_axil_bresp,
    output wire          s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [7:0]    s_axil_araddr,
    input  wire          s_axil_arvalid,
    output wire          s_axil_arready,
    output wire [31:0]   s_axil_rdata,
    output wire [1:0]    s_axil_rresp,
    output wire          s_axil_rvalid,
    input  wire          s_axil_rready,
    // AXI4 master: DMA
    output wire [31:0]   m_axi_araddr,
    output wire [7:0]    m_axi_arlen,
    output wire [2:0]    m_axi_arsize,
    output wire [1:0]    m_axi_arburst,
    output wire          m_axi_arvalid,
    input  wire          m_axi_arready,
    input  wire [DW-1:0] m_axi_rdata,
    input  wire [1:0]    m_axi_rresp,
    input  wire          m_axi_rlast,
    input  wire          m_axi_rvalid,
    output wire          m_axi_rready,
    output wire [31:0]   m_axi_awaddr,
    output wire [7:0]    m_axi_awlen,
    output wire [2:0]    m_axi_awsize,
    output wire [1:0]    m_axi_awburst,
    output wire          m_axi_awvalid,
    input  wire          m_axi_awready,
    output wire [DW-1:0] m_axi_wdata,
    output wire [DW/8-1:0] m_axi_wstrb,
    output wire          m_axi_wlast,
    output wire          m_axi_wvalid,
    input  wire          m_axi_wready,
    input  wire [1:0]    m_axi_bresp,
    input  wire          m_axi_bvalid,
    output wire          m_axi_bready,
    output wire          irq,
    // observation (benches): the command unit's state, a cycle waiting on AXI read data
    output wire [4:0]    dbg_state,
    output wire          dbg_rd_stall,
    output wire          dbg_act_wait      // the tile waits for its activation vector
);
    localparam BPW   = DW / 8;
    localparam IW    = $clog2(BPW) + 1;
    localparam P     = $clog2(M);
    localparam BITS  = (LO == 1) ? M + N * (P + HI) : M * LO + N * HI;
    localparam BB    = (BITS + 7) / 8;
    localparam WBEAT = (UNIFORM != 0) ? LANES * HI : (LANES / M) * BB * 8;
    localparam WB    = WBEAT / 8;
    // the decoders' beat on the lane-group array: blocks of M codes of CL bits (low codes
    // of up to 4 bits) and M slots (hq_beat_split.v)
    localparam NS    = (UNIFORM != 0) ? N : M;
    localparam CL    = (UNIFORM != 0) ? LO : 4;
    localparam BBS   = (((CL == 1) ? M + NS * (P + HI) : M * CL + NS * HI) + 7) / 8;
    localparam WIDE  = (UNIFORM != 0) ? WBEAT : (LANES / M) * BBS * 8;
    localparam [31:0] HWC = ((UNIFORM != 0) ? `HQ_ACCEL_ARCH_UNIFORM8
                             : (SPLIT != 0) ? `HQ_ACCEL_ARCH_SPLIT : `HQ_ACCEL_ARCH_LANEGROUP)
                            | (32'd1 << 4) | ((LANES / 8) << 12) | (G << 20) | (1 << 28);
    // the decoders this build has (LAYOUTS); the uniform array's dense decoder is its only path
    localparam DEC_OK = (UNIFORM != 0) || (SPLIT != 0) || (LO == 2 && N == 1);
    localparam [31:0] LAY = DEC_OK ? LAYOUTS : 32'd0;
    localparam HAS_DENSE = (UNIFORM != 0) || LAY[`HQ_ACCEL_LAYOUT_DENSE] ||
                           LAY[`HQ_ACCEL_LAYOUT_COO] || LAY[`HQ_ACCEL_LAYOUT_ROWGROUP] ||
                           LAY[`HQ_ACCEL_LAYOUT_ESCAPE];
    localparam HAS_BLOCK = (UNIFORM == 0) && LAY[`HQ_ACCEL_LAYOUT_BLOCK];
    localparam HAS_ESC   = (UNIFORM == 0) && LAY[`HQ_ACCEL_LAYOUT_ESCAPE];
    localparam HAS_COO   = (UNIFORM == 0) && LAY[`HQ_ACCEL_LAYOUT_COO];
    localparam HAS_BEAT_SPLIT = (UNIFORM == 0) && (HAS_DENSE || HAS_BLOCK);
    localparam [31:0] LAYOUT_MASK = (UNIFORM != 0) ? (32'd1 << `HQ_ACCEL_LAYOUT_DENSE)
                                                   : (32'd1 << `HQ_ACCEL_LAYOUT_BLOCK) |
                                                     (LAY & 32'h1F &
                                                      ~(32'd1 << `HQ_ACCEL_LAYOUT_BLOCK));

    // ---- registers ----
    wire        start, finish, busy, inc_layers, rd_weight;
    wire [31:0] start_addr, finish_desc, finish_addr, add_wr, add_macs;
    wire [8:0]  start_count;
    wire [7:0]  finish_err;
    wire        compute, rd_idle, wr_idle;
    wire        rd_fire;
    // counter classes (docs/rtl-accel.md): a transfer in flight is a DRAM stall; the output
    // phase's other cycles are output; the rest of the busy cycles are control
    // (split: COMPUTE counts a beat's first cycle in the array, STALL_OUT its further passes
    // of the high-precision unit, the model's compute and outlier stall)
    wire        stall_out;
    wire        stall_dram = busy && !compute && !stall_out && (!rd_idle || !wr_idle);
    wire        out_phase;
    wire [IW-1:0] rd_n;
    hq_accel_csr #(.HW_CONFIG(HWC), .LAYOUTS(LAYOUT_MASK)) u_csr (
        .clk(clk), .rst(rst),
        .s_awaddr(s_axil_awaddr), .s_awvalid(s_axil_awvalid), .s_awready(s_axil_awready),
        .s_wdata(s_axil_wdata), .s_wstrb(s_axil_wstrb), .s_wvalid(s_axil_wvalid),
        .s_wready(s_axil_wready), .s_bresp(s_axil_bresp), .s_bvalid(s_axil_bvalid),
        .s_bready(s_axil_bready), .s_araddr(s_axil_araddr), .s_arvalid(s_axil_arvalid),
        .s_arready(s_axil_arready), .s_rdata(s_axil_rdata), .s_rresp(s_axil_rresp),
        .s_rvalid(s_axil_rvalid), .s_rready(s_axil_rready), .irq(irq),
        .start(start), .start_addr(start_addr), .start_count(start_count),
        .finish(finish), .finish_err(finish_err), .finish_desc(finish_desc),
        .finish_addr(finish_addr),
        .busy_cycle(busy), .inc_compute(compute),
        .inc_stall_dram(stall_dram),
        .inc_stall_dec(1'b0), .inc_stall_out(stall_out),
        .inc_output(busy && !compute && !stall_out && !stall_dram && out_phase),
        .inc_control(busy && !compute && !stall_out && !stall_dram && !out_phase),
        .inc_rd_stall(dbg_rd_stall),
        .add_rd(rd_fire ? {{(16-IW){1'b0}}, rd_n} : 16'd0), .add_wr(add_wr),
        .add_weight((rd_fire && rd_weight) ? {{(16-IW){1'b0}}, rd_n} : 16'd0),
        .add_macs(add_macs), .inc_layers(inc_layers));

    // ---- read engine and the three gearboxes it feeds ----
    wire          rd_cmd, rd_err;
    wire [31:0]   rd_addr, rd_len, rd_err_addr;
    wire [1:0]    rd_dst;
    wire          o_valid, o_ready;
    wire [DW-1:0] o_data;
    wire [IW-1:0] o_lo;
    hq_axi_rd #(.DW(DW)) u_rd (
        .clk(clk), .rst(rst), .cmd_valid(rd_cmd), .cmd_addr(rd_addr), .cmd_len(rd_len),
        .idle(rd_idle), .err(rd_err), .err_addr(rd_err_addr),
        .o_valid(o_valid), .o_ready(o_ready), .o_data(o_data), .o_lo(o_lo), .o_n(rd_n),
        .stall(dbg_rd_stall),
        .m_araddr(m_axi_araddr), .m_arlen(m_axi_arlen), .m_arsize(m_axi_arsize),
        .m_arburst(m_axi_arburst), .m_arvalid(m_axi_arvalid), .m_arready(m_axi_arready),
        .m_rdata(m_axi_rdata), .m_rresp(m_axi_rresp), .m_rlast(m_axi_rlast),
        .m_rvalid(m_axi_rvalid), .m_rready(m_axi_rready));
    assign rd_fire = o_valid && o_ready;

    wire clr_ctl, clr_act, clr_wgt;
    wire [31:0] act_seg, wgt_seg;
    wire c_in_ready, a_in_ready, w_in_ready, i_in_ready;
    wire wgt_dense, wgt_esc, wgt_coo, d_in_ready, vb_we;
    wire wgt_blk, b_in_ready;
    wire [7:0] wgt_bn, wgt_bm;
    wire [31:0] esc_vbytes, vb_addr, vb_data;
    assign o_ready = (rd_dst == 2'd0) ? c_in_ready : (rd_dst == 2'd1) ? a_in_ready :
                     (rd_dst == 2'd2) ? (wgt_dense ? (wgt_blk ? b_in_ready : d_in_ready)
                                                   : w_in_ready) : i_in_ready;

    // ---- im2col unit: conv and max-pool input maps; conv K-vectors to the activations ----
    wire        conv_mode, ic_clear, ic_go, ic_stop, ic_valid, ic_ready, ic_last_unused;
    wire        act_flip, signed_out;
    wire [7:0]  ic_kernel, ic_stride, ic_pad, ic_pad_top, ic_data;
    wire [15:0] ic_conv_h, ic_conv_w;
    wire [15:0] ic_in_h, ic_in_w, ic_in_c;
    hq_im2col #(.DW(DW), .IMG_BYTES(IMG_BYTES)) u_im2col (
        .clk(clk), .stop(rst || ic_stop), .clear(ic_clear),
        .in_valid(o_valid && rd_dst == 2'd3), .in_ready(i_in_ready), .in_data(o_data),
        .in_lo(o_lo), .in_n(rd_n),
        .in_h(ic_in_h), .in_w(ic_in_w), .in_c(ic_in_c), .kernel(ic_kernel), .stride(ic_stride),
        .pad(ic_pad), .pad_top(ic_pad_top), .conv_h(ic_conv_h), .conv_w(ic_conv_w), .go(ic_go),
        .o_valid(ic_valid), .o_ready(conv_mode ? a_in_ready : ic_ready), .o_data(ic_data),
        .o_last(ic_last_unused));
    // the activation gearbox takes the read engine's words (dense) or im2col bytes (conv);
    // FLAG_SIGNED_IN inverts bit 7 of every byte, after im2col's padding (x + 128)
    wire          act_in_valid = conv_mode ? ic_valid : (o_valid && rd_dst == 2'd1);
    wire [DW-1:0] act_flip_w   = {BPW{act_flip, 7'd0}};
    wire [DW-1:0] act_in_data  = (conv_mode ? {{(DW-8){1'b0}}, ic_data} : o_data) ^ act_flip_w;
    wire [IW-1:0] act_in_lo    = conv_mode ? {IW{1'b0}} : o_lo;
    wire [IW-1:0] act_in_n     = conv_mode ? {{(IW-1){1'b0}}, 1'b1} : rd_n;

    wire        c_valid, c_ready, c_last_unused;
    wire [31:0] c_data;
    hq_gearbox #(.IB(BPW), .OB(4)) u_gb_ctl (
        .clk(clk), .clear(clr_ctl), .seg_bytes(32'hFFFFFFFF),
        .in_valid(o_valid && rd_dst == 2'd0), .in_ready(c_in_ready), .in_data(o_data),
        .in_lo(o_lo), .in_n(rd_n), .out_valid(c_valid), .out_ready(c_ready), .out_data(c_data),
        .out_last(c_last_unused));

    wire                act_valid, act_ready, act_last;
    wire [LANES*8-1:0]  act_data;
    hq_gearbox #(.IB(BPW), .OB(LANES)) u_gb_act (
        .clk(clk), .clear(clr_act), .seg_bytes(act_seg),
        .in_valid(act_in_valid), .in_ready(a_in_ready), .in_data(act_in_data),
        .in_lo(act_in_lo), .in_n(act_in_n), .out_valid(act_valid), .out_ready(act_ready),
        .out_data(act_data), .out_last(act_last));

    // block rows: byte for byte through the gearbox, cut into rows
    wire                wgt_ready;
    wire                gb_valid, gb_last;
    wire [WBEAT-1:0]    gb_data;
    hq_gearbox #(.IB(BPW), .OB(WB)) u_gb_wgt (
        .clk(clk), .clear(clr_wgt), .seg_bytes(wgt_seg),
        .in_valid(o_valid && rd_dst == 2'd2 && !wgt_dense), .in_ready(w_in_ready),
        .in_data(o_data), .in_lo(o_lo), .in_n(rd_n), .out_valid(gb_valid),
        .out_ready(wgt_ready && !wgt_dense), .out_data(gb_data), .out_last(gb_last));

    // dense: the bit-stream decoder
    wire [2:0]          wgt_lo, dec_lo_shift, rg_skip;
    wire                rg_hi_row, rg_restart;
    wire [15:0]         rg_row_lim;
    wire [3:0]          wgt_hi;
    wire [15:0]         dec_row;
    wire                dd_valid, dd_last, dd_ready, dense_bad;
    wire [WIDE-1:0]     dd_data;
    generate
        if (HAS_DENSE) begin : g_dense
            hq_dense_decoder #(.UNIFORM(UNIFORM), .LANES(LANES), .M(M), .N(NS), .LO(CL),
                               .HI(HI), .IB(BPW)) u_dense (
                .clk(clk), .clear(clr_wgt), .lo(wgt_lo), .hi(wgt_hi), .cols(act_seg[15:0]),
                .markers(wgt_esc), .hi_row(rg_hi_row), .restart(rg_restart), .skip(rg_skip),
                .row_lim(rg_row_lim), .row(dec_row), .lo_shift(dec_lo_shift),
                .in_valid(o_valid && rd_dst == 2'd2 && wgt_dense && !wgt_blk),
                .in_ready(d_in_ready), .in_data(o_data), .in_lo(o_lo), .in_n(rd_n),
                .out_valid(dd_valid), .out_ready(dd_ready), .out_data(dd_data),
                .out_last(dd_last), .bad(dense_bad));
        end else begin : g_no_dense
            // the command unit refuses every layout of this decoder (ERR_LAYOUT)
            assign {dd_valid, dd_last, dense_bad, d_in_ready} = 4'd0;
            assign dd_data = {WIDE{1'b0}};
            assign dec_row = 16'd0;
            wire unused_dense = ^{dd_ready, rg_hi_row, rg_restart, rg_skip, rg_row_lim,
                                  dec_lo_shift};
        end
    endgenerate

    // escape: the plane's markers get their high values from the side buffer
    wire                es_valid, es_last, es_ready, esc_bad;
    wire [WIDE-1:0]     es_data;
    // coo: the plane's high weights placed from the count and entry sections
    wire                co_valid, co_last, co_ready, coo_bad;
    wire [WIDE-1:0]     co_data;
    wire [15:0]         f_rows16;
    // block of another format than the tile's: cut into the same beat
    wire                bd_valid, bd_last, blk_bad;
    wire [WIDE-1:0]     bd_data;
    generate
        if (HAS_BLOCK) begin : g_block
            hq_block_decoder #(.LANES(LANES), .MT(M), .CL(CL), .HI(HI), .IB(BPW)) u_block (
                .clk(clk), .clear(clr_wgt), .lo(wgt_lo), .hi(wgt_hi), .bn(wgt_bn), .bm(wgt_bm),
                .cols(act_seg[15:0]),
                .in_valid(o_valid && rd_dst == 2'd2 && wgt_blk), .in_ready(b_in_ready),
                .in_data(o_data), .in_lo(o_lo), .in_n(rd_n), .out_valid(bd_valid),
                .out_ready(dp_ready && wgt_blk), .out_data(bd_data), .out_last(bd_last),
                .bad(blk_bad));
        end else begin : g_no_block
            assign {bd_valid, bd_last, blk_bad, b_in_ready} = 4'd0;
            assign bd_data = {WIDE{1'b0}};
            wire unused_blk = ^{wgt_bn, wgt_bm};
        end
        if (HAS_ESC || HAS_COO) begin : g_side
            // one buffer for the sections after the plane, one registered read port: the
            // layer's decoder (escape or coo) reads it
            wire        es_re, co_re;
            wire [31:0] es_ra, co_ra, sb_rd;
            hq_side_buf #(.BYTES(VBUF_BYTES)) u_side (
                .clk(clk), .we(vb_we), .waddr(vb_addr), .wdata(vb_data),
                .re(wgt_esc ? es_re : co_re), .raddr(wgt_esc ? es_ra : co_ra), .rdata(sb_rd));
            if (HAS_ESC) begin : g_escape
                hq_escape_decoder #(.LANES(LANES), .M(M), .N(NS), .LO(CL), .HI(HI)) u_escape (
                    .clk(clk), .clear(clr_wgt), .hi(wgt_hi), .vbytes(esc_vbytes),
                    .rd_en(es_re), .rd_addr(es_ra), .rd_data(sb_rd),
                    .in_valid(dd_valid && wgt_esc), .in_ready(es_ready), .in_data(dd_data),
                    .in_last(dd_last), .out_valid(es_valid), .out_ready(dp_ready && wgt_esc),
                    .out_data(es_data), .out_last(es_last), .bad(esc_bad));
            end else begin : g_no_escape
                assign {es_valid, es_last, es_ready, esc_bad, es_re} = 5'd0;
                assign es_data = {WIDE{1'b0}};
                assign es_ra   = 32'd0;
            end
            if (HAS_COO) begin : g_coo
                hq_coo_decoder #(.LANES(LANES), .M(M), .N(NS), .LO(CL), .HI(HI)) u_coo (
                    .clk(clk), .clear(clr_wgt), .hi(wgt_hi), .rows(f_rows16),
                    .cols(act_seg[15:0]), .nbytes(esc_vbytes), .rd_en(co_re), .rd_addr(co_ra),
                    .rd_data(sb_rd), .in_valid(dd_valid && wgt_coo), .in_ready(co_ready),
                    .in_data(dd_data), .in_last(dd_last), .out_valid(co_valid),
                    .out_ready(dp_ready && wgt_coo), .out_data(co_data), .out_last(co_last),
                    .bad(coo_bad));
            end else begin : g_no_coo
                assign {co_valid, co_last, co_ready, coo_bad, co_re} = 5'd0;
                assign co_data = {WIDE{1'b0}};
                assign co_ra   = 32'd0;
                wire unused_coo = ^f_rows16;
            end
        end else begin : g_no_side
            assign {es_valid, es_last, es_ready, esc_bad} = 4'd0;
            assign {co_valid, co_last, co_ready, coo_bad} = 4'd0;
            assign es_data = {WIDE{1'b0}};
            assign co_data = {WIDE{1'b0}};
            wire unused_esc = ^{esc_vbytes, vb_we, vb_addr, vb_data, f_rows16};
        end
    endgenerate
    assign dd_ready = wgt_esc ? es_ready : wgt_coo ? co_ready : dp_ready;

    // the decoders' beats (dense, escape, coo); on the lane-group array split into the tile's
    // sub-beats of one high weight per block (more high weights: more cycles of the beat)
    // and of one ternary digit of the low codes (3- and 4-bit codes: 2 or 3 digits)
    wire                dp_valid = wgt_blk ? bd_valid : wgt_esc ? es_valid
                                 : wgt_coo ? co_valid : dd_valid;
    wire                dp_last  = wgt_blk ? bd_last : wgt_esc ? es_last
                                 : wgt_coo ? co_last : dd_last;
    wire [WIDE-1:0]     dp_data  = wgt_blk ? bd_data : wgt_esc ? es_data
                                 : wgt_coo ? co_data : dd_data;
    wire                dp_ready, sp_valid, sp_last, sp_more;
    wire [1:0]          sp_shift;
    wire [WBEAT-1:0]    sp_data;
    generate
        if (HAS_BEAT_SPLIT && SPLIT == 0) begin : g_split
            hq_beat_split #(.LANES(LANES), .M(M), .CL(CL), .LO(LO), .HI(HI)) u_split (
                .clk(clk), .clear(clr_wgt), .lo(wgt_lo), .in_valid(dp_valid && wgt_dense),
                .in_ready(dp_ready), .in_data(dp_data), .in_last(dp_last),
                .out_valid(sp_valid), .out_ready(wgt_ready && wgt_dense), .out_data(sp_data),
                .out_last(sp_last), .out_more(sp_more), .out_shift(sp_shift));
        end else if (UNIFORM == 0 && !HAS_BEAT_SPLIT) begin : g_no_split_lg
            // no decoder: only the tile's own blocks, through the gearbox (wgt_dense never set)
            assign sp_valid = 1'b0;
            assign dp_ready = 1'b0;
            assign sp_data  = {WBEAT{1'b0}};
            assign sp_last  = 1'b0;
            assign sp_more  = 1'b0;
            assign sp_shift = 2'd0;
            wire unused_dp = ^{dp_valid, dp_last, dp_data, wgt_lo, wgt_hi};
        end else begin : g_no_split
            assign sp_valid = dp_valid;
            assign dp_ready = wgt_ready && wgt_dense;
            assign sp_data  = dp_data;
            assign sp_last  = dp_last;
            assign sp_more  = 1'b0;
            assign sp_shift = 2'd0;
        end
    endgenerate

    wire                wgt_valid = !wgt_dense ? gb_valid : sp_valid;
    wire                wgt_last  = !wgt_dense ? gb_last : sp_last;
    wire                wgt_more  = wgt_dense && sp_more;
    wire [1:0]          wgt_shift = wgt_dense ? sp_shift : 2'd0;
    wire [WBEAT-1:0]    wgt_data  = !wgt_dense ? gb_data : sp_data;
    wire [WBEAT-1:0]    wgt_clean;

    // ---- weight beat store: a layer's beats read once, replayed per position and image ----
    wire                wq_capture, wq_replay, wq_restart, wq_over;
    wire                t_wgt_valid, t_wgt_ready, t_wgt_last, t_wgt_more;
    wire [1:0]          t_wgt_shift;
    wire [WBEAT-1:0]    t_wgt_data;
    hq_wgt_replay #(.W(WBEAT + 3), .DEPTH(WBUF_BEATS)) u_wq (
        .clk(clk), .capture(wq_capture), .replay(wq_replay), .restart(wq_restart),
        .over(wq_over),
        .s_valid(wgt_valid), .s_ready(wgt_ready), .s_data({wgt_shift, wgt_more, wgt_clean}),
        .s_last(wgt_last), .m_valid(t_wgt_valid), .m_ready(t_wgt_ready),
        .m_data({t_wgt_shift, t_wgt_more, t_wgt_data}), .m_last(t_wgt_last));

    // ---- the PE tile ----
    wire        tile_rst, row_valid, row_ready, row_last, out_valid, out_ready, out_last;

    wire [31:0] row_bias, row_mult, out_acc;
    wire [5:0]  row_shift;
    wire [4:0]  row_lo_shift;
    wire [7:0]  out_y;
    wire [2:0]  tile_err;
    wire        arr_first, arr_stall;
    pe_tile #(.UNIFORM(UNIFORM), .LANES(LANES), .G(G), .M(M), .N(N), .LO(LO), .HI(HI),
              .NB_MAX(NB_MAX), .OPORT(OPORT), .SPLIT(SPLIT), .HMACS(HMACS)) u_tile (
        .clk(clk), .rst(rst || tile_rst),
        .s_act_valid(act_valid), .s_act_ready(act_ready), .s_act_data(act_data),
        .s_act_last(act_last),
        .s_row_valid(row_valid), .s_row_ready(row_ready), .s_row_bias(row_bias),
        .s_row_mult(row_mult), .s_row_shift(row_shift), .s_row_lo_shift(row_lo_shift),
        .s_row_last(row_last),
        .s_wgt_valid(t_wgt_valid), .s_wgt_ready(t_wgt_ready), .s_wgt_data(t_wgt_data),
        .s_wgt_last(t_wgt_last), .s_wgt_more(t_wgt_more), .s_wgt_shift(t_wgt_shift),
        .cfg_signed_out(signed_out),
        .m_out_valid(out_valid), .m_out_ready(out_ready), .m_out_acc(out_acc), .m_out_y(out_y),
        .m_out_last(out_last), .err(tile_err), .arr_first(arr_first),
        .arr_stall(arr_stall));
    assign compute   = (SPLIT != 0) ? arr_first : t_wgt_valid && t_wgt_ready;
    assign stall_out = (SPLIT != 0) && arr_stall;
    assign dbg_act_wait = act_ready && !act_valid && busy;

    // ---- the block contents the model's decoders refuse (ERR_WEIGHTS) ----
    wire chk_bad;
    wire wgt_bad = chk_bad || dense_bad || esc_bad || coo_bad || blk_bad;
    hq_block_check #(.UNIFORM(UNIFORM), .LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI)) u_chk (
        .clk(clk), .clear(clr_wgt), .cols(act_seg[15:0]), .fire(wgt_valid && wgt_ready),
        .blk_rules(!wgt_dense), .data(wgt_data), .last(wgt_last), .more(wgt_more),
        .bad(chk_bad), .clean(wgt_clean));

    // ---- command unit ----
    wire [$clog2(BPW)-1:0] wr_off;
    wire        b_en, wr_cmd, wr_err;
    wire [31:0] b_idx, wr_addr, wr_len, wr_err_addr;
    wire [7:0]  b_data;
    wire        b_max;
    hq_accel_ctrl #(.UNIFORM(UNIFORM), .LANES(LANES), .M(M), .N(N), .LO(LO), .HI(HI),
                    .NB_MAX(NB_MAX), .BB(BB), .DW(DW), .MAX_ROWS(MAX_ROWS),
                    .OBUF_BYTES(OBUF_BYTES), .IMG_BYTES(IMG_BYTES),
                    .WBUF_BEATS(WBUF_BEATS), .VBUF_BYTES(VBUF_BYTES),
                    .LAYOUTS(LAYOUTS)) u_ctrl (
        .clk(clk), .rst(rst), .start(start), .start_addr(start_addr), .start_count(start_count),
        .finish(finish), .finish_err(finish_err), .finish_desc(finish_desc),
        .finish_addr(finish_addr),
        .rd_cmd(rd_cmd), .rd_addr(rd_addr), .rd_len(rd_len), .rd_idle(rd_idle),
        .rd_err(rd_err), .rd_err_addr(rd_err_addr), .rd_dst(rd_dst), .rd_weight(rd_weight),
        .c_valid(c_valid), .c_ready(c_ready), .c_data(c_data),
        .clr_ctl(clr_ctl), .clr_act(clr_act), .clr_wgt(clr_wgt),
        .act_seg(act_seg), .wgt_seg(wgt_seg),
        .conv_mode(conv_mode), .ic_clear(ic_clear), .ic_go(ic_go), .ic_stop(ic_stop),
        .act_flip(act_flip), .signed_out(signed_out),
        .ic_in_h(ic_in_h), .ic_in_w(ic_in_w), .ic_in_c(ic_in_c),
        .ic_kernel(ic_kernel), .ic_stride(ic_stride), .ic_pad(ic_pad), .ic_pad_top(ic_pad_top),
        .ic_conv_h(ic_conv_h), .ic_conv_w(ic_conv_w),
        .ic_valid(ic_valid), .ic_ready(ic_ready), .ic_data(ic_data),
        .wq_capture(wq_capture), .wq_replay(wq_replay), .wq_restart(wq_restart),
        .wq_over(wq_over), .rg_hi_row(rg_hi_row), .rg_restart(rg_restart), .rg_skip(rg_skip),
        .rg_row_lim(rg_row_lim),
        .wgt_bad(wgt_bad), .wgt_dense(wgt_dense), .wgt_blk(wgt_blk), .wgt_bn(wgt_bn),
        .wgt_bm(wgt_bm),
        .wgt_lo(wgt_lo), .wgt_hi(wgt_hi), .dec_row(dec_row), .dec_lo_shift(dec_lo_shift),
        .wgt_esc(wgt_esc), .wgt_coo(wgt_coo),
        .f_rows16(f_rows16), .esc_vbytes(esc_vbytes), .vb_we(vb_we),
        .vb_addr(vb_addr), .vb_data(vb_data),
        .tile_rst(tile_rst), .row_valid(row_valid), .row_ready(row_ready),
        .row_bias(row_bias), .row_mult(row_mult), .row_shift(row_shift),
        .row_lo_shift(row_lo_shift), .row_last(row_last),
        .out_valid(out_valid), .out_ready(out_ready), .out_acc(out_acc), .out_y(out_y),
        .wr_off(wr_off), .b_en(b_en), .b_idx(b_idx), .b_data(b_data), .b_max(b_max),
        .wr_cmd(wr_cmd), .wr_addr(wr_addr), .wr_len(wr_len), .wr_idle(wr_idle),
        .wr_err(wr_err), .wr_err_addr(wr_err_addr),
        .busy(busy), .add_wr(add_wr), .add_macs(add_macs), .inc_layers(inc_layers),
        .state_out(dbg_state), .out_phase(out_phase));

    // ---- write engine (with the output buffer) ----
    hq_axi_wr #(.DW(DW), .BUF_BYTES(OBUF_BYTES + BPW)) u_wr (
        .clk(clk), .rst(rst), .off(wr_off), .b_en(b_en), .b_idx(b_idx), .b_data(b_data),
        .b_max(b_max),
        .cmd_valid(wr_cmd), .cmd_addr(wr_addr), .cmd_len(wr_len), .idle(wr_idle),
        .err(wr_err), .err_addr(wr_err_addr),
        .m_awaddr(m_axi_awaddr), .m_awlen(m_axi_awlen), .m_awsize(m_axi_awsize),
        .m_awburst(m_axi_awburst), .m_awvalid(m_axi_awvalid), .m_awready(m_axi_awready),
        .m_wdata(m_axi_wdata), .m_wstrb(m_axi_wstrb), .m_wlast(m_axi_wlast),
        .m_wvalid(m_axi_wvalid), .m_wready(m_axi_wready), .m_bresp(m_axi_bresp),
        .m_bvalid(m_axi_bvalid), .m_bready(m_axi_bready));

    wire unused = c_last_unused ^ out_last ^ (|tile_err) ^ ic_last_unused ^ (|act_seg[31:16]);
endmodule
`default_nettype wire
