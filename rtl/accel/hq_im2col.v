// Input feature map buffer and im2col address generator (model/accel/im2col.cpp). The read
// engine writes one image (IN_H x IN_W x IN_C bytes, HWC order) into the buffer; then `go`
// emits, for every output position (oy, ox) in row order, the K = KERNEL^2 * IN_C bytes
// at (oy*STRIDE + ky - PAD_TOP, ox*STRIDE + kx - PAD, c), K index (ky*KERNEL + kx)*IN_C + c,
// zero outside the map: one byte per cycle, o_last on a vector's last byte. With KERNEL 1,
// STRIDE 1, PAD 0 it emits the image in memory order (the max-pool unit's input).
// The image stays in the buffer, so one fetch serves every position (and the halo rows that
// neighbouring positions share are not read again).
// Storage is block-RAM shaped (docs/fpga.md): BPW byte banks (byte a in bank a % BPW), each
// with one write port (a bus word writes at most one byte per bank) and one registered read
// port, so a byte leaves one cycle after its address; the output register holds while stalled.
`default_nettype none
module hq_im2col #(
    parameter DW        = 64,
    parameter IMG_BYTES = 4096             // bytes of one input feature map
) (
    input  wire          clk,
    input  wire          stop,             // abandon the image (reset, error, new descriptor)
    input  wire          clear,            // the next bytes written start a new image
    // image bytes from the read engine: bus words with their valid byte range
    input  wire          in_valid,
    output wire          in_ready,
    input  wire [DW-1:0] in_data,
    input  wire [$clog2(DW / 8):0] in_lo,
    input  wire [$clog2(DW / 8):0] in_n,
    // geometry (stable while emitting)
    input  wire [15:0]   in_h,
    input  wire [15:0]   in_w,
    input  wire [15:0]   in_c,
    input  wire [7:0]    kernel,
    input  wire [7:0]    stride,
    input  wire [7:0]    pad,
    input  wire [7:0]    pad_top,          // PAD above the rows, 0 for a band below the top
    input  wire [15:0]   conv_h,
    input  wire [15:0]   conv_w,
    input  wire          go,               // emit every position's vector of the image
    output wire          o_valid,
    input  wire          o_ready,
    output wire [7:0]    o_data,
    output wire          o_last            // the last byte of one position's vector
);
    localparam BPW   = DW / 8;
    localparam SH    = $clog2(BPW);
    localparam DEPTH = (IMG_BYTES + BPW - 1) / BPW;    // bytes per bank
    localparam BAW   = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    reg [31:0] wptr;

    // ---- fill: up to BPW bytes per cycle at the write pointer, one per bank ----
    assign in_ready = 1'b1;
    wire [DW-1:0] shifted = in_data >> (in_lo * 8);
    always @(posedge clk) begin
        if (clear)
            wptr <= 32'd0;
        else if (in_valid)
            wptr <= wptr + {{(31 - SH){1'b0}}, in_n};
    end

    // ---- position loop: oy, ox; in_map a vector ky, kx, c (c fastest) ----
    // The input row y = ybase + ky, column x = xbase + kx and the byte address
    // (y*in_w + x)*in_c + ch are registers stepped with the loop (+1, or a row's or position's
    // start plus a step), not products of the counters: no multiplier or chained adder lies
    // between a counter and the read address (ECP5 Fmax, docs/fpga.md). Addresses are modulo
    // the buffer (PW bits), as the buffer's index always was; an address outside the map is
    // read but its byte is replaced by 0.
    localparam PW = BAW + SH;
    localparam [PW-1:0] ONE = 1;
    reg        run;
    reg [15:0] oy, ox, ch;
    reg [7:0]  ky, kx;
    reg signed [17:0] ybase, xbase;        // oy*STRIDE - PAD, ox*STRIDE - PAD
    reg signed [17:0] y, x;                // ybase + ky, xbase + kx
    reg [PW-1:0] addr;                     // (y*in_w + x)*in_c + ch
    reg [PW-1:0] a_row;                    // (y*in_w + xbase)*in_c: this kernel row's start
    reg [PW-1:0] a_pos;                    // (ybase*in_w + xbase)*in_c: this vector's start
    reg [PW-1:0] a_orow;                   // (ybase*in_w - PAD)*in_c: this output row's start
    wire in_map = y >= 0 && x >= 0 && y < $signed({2'b00, in_h}) && x < $signed({2'b00, in_w});

    // the geometry's products and bounds, registered: the geometry comes with the descriptor,
    // long before `go` (which follows the image's read), so they are settled by then
    wire [31:0]   w_32 = {16'd0, in_w}, c_32 = {16'd0, in_c};
    wire [31:0]   s_32 = {24'd0, stride}, pd_32 = {24'd0, pad}, pt_32 = {24'd0, pad_top};
    wire [PW-1:0] w_p = w_32[PW-1:0], c_p = c_32[PW-1:0], s_p = s_32[PW-1:0];
    wire [PW-1:0] pd_p = pd_32[PW-1:0], pt_p = pt_32[PW-1:0];
    reg  [PW-1:0] wc, sc, pc, swc, ptwc, a_first;
    reg  [15:0]   c_m1, ow_m1, oh_m1;
    reg  [7:0]    k_m1;
    always @(posedge clk) begin
        wc      <= w_p * c_p;              // one input row
        sc      <= s_p * c_p;              // the next position in the row
        pc      <= pd_p * c_p;
        swc     <= s_p * wc;               // the next output row
        ptwc    <= pt_p * wc;
        a_first <= -(ptwc + pc);           // (-PAD_TOP*in_w - PAD)*in_c
        c_m1    <= in_c - 16'd1;
        k_m1    <= kernel - 8'd1;
        ow_m1   <= conv_w - 16'd1;
        oh_m1   <= conv_h - 16'd1;
    end
    wire last_c  = ch == c_m1;
    wire last_kx = kx == k_m1;
    wire last_ky = ky == k_m1;

    // ---- read stage: the byte of the current (oy, ox, ky, kx, ch) one cycle later ----
    reg         q_valid, q_map, q_last;
    reg [SH-1:0] q_bank;
    wire        step = run && (!q_valid || o_ready);   // the read register is free
    wire [BAW-1:0] raddr = addr[PW-1:SH];
    wire [DW-1:0] bank_q;                  // every bank's read register
    genvar b;
    generate
        for (b = 0; b < BPW; b = b + 1) begin : g_bank
            reg [7:0] mem [0:DEPTH-1];
            reg [7:0] q;
            // the bus byte that lands in this bank: byte i at wptr + i, (wptr + i) % BPW == b
            localparam [SH-1:0] BK = b;
            wire [SH-1:0]  lane = BK - wptr[SH-1:0];
            wire [31:0]    wa   = wptr + {{(32 - SH){1'b0}}, lane};
            always @(posedge clk) begin
                if (!clear && in_valid && {1'b0, lane} < in_n && wa < IMG_BYTES)
                    mem[wa[BAW+SH-1:SH]] <= shifted[lane[SH-1:0]*8 +: 8];
                if (step)
                    q <= mem[raddr];
            end
            assign bank_q[b*8 +: 8] = q;
            wire unused_b = ^wa;
        end
    endgenerate
    always @(posedge clk) begin
        if (stop || go)
            q_valid <= 1'b0;
        else if (step) begin
            q_valid <= 1'b1;
            q_map   <= in_map;
            q_last  <= last_c && last_kx && last_ky;
            q_bank  <= addr[SH-1:0];
        end else if (o_ready)
            q_valid <= 1'b0;
    end
    assign o_valid = q_valid;
    assign o_data  = q_map ? bank_q[q_bank*8 +: 8] : 8'd0;
    assign o_last  = q_last;
    wire signed [17:0] npad = -$signed({10'd0, pad});

    always @(posedge clk) begin
        if (stop) begin
            run <= 1'b0;
        end else if (go) begin
            run    <= 1'b1;
            oy     <= 16'd0;
            ox     <= 16'd0;
            ky     <= 8'd0;
            kx     <= 8'd0;
            ch     <= 16'd0;
            ybase  <= -$signed({10'd0, pad_top});
            xbase  <= npad;
            y      <= -$signed({10'd0, pad_top});
            x      <= npad;
            addr   <= a_first;
            a_row  <= a_first;
            a_pos  <= a_first;
            a_orow <= a_first;
        end else if (step) begin
            ch   <= last_c ? 16'd0 : ch + 16'd1;
            // the next channel, or after the last the next column's first: one byte on
            addr <= addr + ONE;
            if (last_c) begin
                kx <= last_kx ? 8'd0 : kx + 8'd1;
                x  <= x + 18'sd1;
                if (last_kx) begin
                    ky    <= last_ky ? 8'd0 : ky + 8'd1;
                    x     <= xbase;
                    y     <= y + 18'sd1;
                    addr  <= a_row + wc;
                    a_row <= a_row + wc;
                    if (last_ky) begin
                        // the vector is complete: next position
                        if (ox == ow_m1) begin
                            ox     <= 16'd0;
                            xbase  <= npad;
                            x      <= npad;
                            oy     <= oy + 16'd1;
                            ybase  <= ybase + $signed({10'd0, stride});
                            y      <= ybase + $signed({10'd0, stride});
                            addr   <= a_orow + swc;
                            a_row  <= a_orow + swc;
                            a_pos  <= a_orow + swc;
                            a_orow <= a_orow + swc;
                            if (oy == oh_m1) run <= 1'b0;
                        end else begin
                            ox    <= ox + 16'd1;
                            xbase <= xbase + $signed({10'd0, stride});
                            x     <= xbase + $signed({10'd0, stride});
                            y     <= ybase;
                            addr  <= a_pos + sc;
                            a_row <= a_pos + sc;
                            a_pos <= a_pos + sc;
                        end
                    end
                end
            end
        end
    end
    wire unused = ^{y[17], x[17], w_32, c_32, s_32, pd_32, pt_32};
endmodule
`default_nettype wire
