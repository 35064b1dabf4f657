// Decoder of the `escape` layout (docs/layouts.md, model/accel/escape_decoder.cpp) for the
// lane-group tile: the low plane comes decoded by hq_dense_decoder (markers passed through as
// the tile's marker code); this module fills each block's slots with the next high values, in
// row-major order of the markers. The values (`hi` bits each) come from the layer's
// high-value section in hq_side_buf (read once per layer by the command unit) through its one
// registered read port: a word per cycle into a window of 2 x LANES values, ahead of the
// beats, so a beat passes in the cycle it is offered while the window holds its values.
//   bad: a value 0 or -2^(hi-1), or more markers than the section holds (ERR_WEIGHTS).
`include "pe_widths.vh"
`default_nettype none
module hq_escape_decoder #(
    parameter LANES      = 64,
    parameter M          = 32,
    parameter N          = 32,             // slots per block of the beat (hq_accel: M)
    parameter LO         = 2,
    parameter HI         = 8
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream: first value again
    input  wire [3:0]  hi,                 // the layer's hi bits (4 or 8)
    input  wire [31:0] vbytes,             // bytes of the value section in the buffer
    output wire        rd_en,              // value buffer read (hq_side_buf), word index
    output wire [31:0] rd_addr,
    input  wire [31:0] rd_data,            // the word asked for in the cycle before
    input  wire        in_valid,
    output wire        in_ready,
    input  wire [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] in_data,
    input  wire        in_last,
    output wire        out_valid,
    input  wire        out_ready,
    output reg  [`PE_WBEAT(0, LANES, LO, HI, M, N)-1:0] out_data,
    output wire        out_last,
    output reg         bad
);
    localparam NBLK = LANES / M;
    localparam BBY  = `PE_BBYTES(LO, HI, M, N);
    localparam CAP  = 2 * LANES * 8 + 64;  // the value window, bits
    localparam FW   = $clog2(CAP + 1);
    localparam [31:0] CAP32 = CAP;
    localparam [FW-1:0] PW32 = 32;          // bits of one word
    localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};
    localparam [31:0] N32 = N;
    // The window is a ring of section words (each written where the last one ended, never
    // shifted), read at a nibble pointer through one rotator: a window shifted by the values
    // of each beat and filled at any bit offset took two shifters as wide as the window
    // (docs/fpga.md). Room for CAP bits from any nibble of the first word.
    localparam SW  = (CAP + 28 + 31) / 32; // words of the ring
    localparam SN  = SW * 8;               // its nibbles
    localparam NW  = $clog2(SN);           // nibble pointer
    localparam AW  = $clog2(SW);           // word pointer
    localparam WIN = LANES * 8;            // the most bits a beat reads
    localparam [31:0] SN32 = SN;
    localparam [31:0] SW32 = SW - 1;
    localparam [NW:0]   SN_P  = SN32[NW:0];
    localparam [AW-1:0] LASTW = SW32[AW-1:0];

    reg [SW*32-1:0] ring;                  // nibbles rp .. rp + fill / 4 - 1 (mod SN): the window
    reg [NW-1:0]  rp;                      // nibble of the window's first value
    reg [AW-1:0]  wp;                      // word where the next word of the section goes
    reg [FW-1:0]  fill;
    reg [31:0]    nxt;                     // next word of the section to read
    reg           pend;                    // a read is in flight
    reg [31:0]    vidx;                    // index of the window's first value

    // the window from rp on, zero from `fill` on (a beat past the section's end reads zeros
    // there, which it flags)
    wire [2*SW*32-1:0] twice = {ring, ring};
    wire [2*SW*32-1:0] at_rp = twice >> {rp, 2'b00};
    reg  [WIN-1:0]     win;
    integer n;
    always @* begin
        win = at_rp[WIN-1:0];
        for (n = 0; n < WIN / 4; n = n + 1)
            if ({{(31-FW){1'b0}}, fill, 1'b0} <= 32'd8 * n) win[n*4 +: 4] = 4'd0;
    end

    // ---- the beat: its markers take the next values ----
    // Each block's values start `pre` values into the window (the markers of the blocks
    // before it): one shift of the window per block, then every slot reads its value at a
    // constant offset, and the values are in the section up to the block's last one. (A
    // variable offset per slot made a wide shifter per slot: synth_ecp5 of this module alone
    // ran past 4 GB; docs/fpga.md.)
    localparam PW = $clog2(LANES + 1);
    reg [31:0]    pre, mk, total, used_b;
    reg [PW-1:0]  pre_n;
    reg [WIN-1:0] wb;                      // the window from the block's first value on
    reg [7:0]     v;
    reg           err;
    integer b, j, s;
    always @* begin
        out_data = in_data;
        err = 1'b0;
        pre = 32'd0;
        pre_n = {PW{1'b0}};
        mk = 32'd0;
        used_b = 32'd0;
        wb = win;
        v = 8'd0;
        for (b = 0; b < NBLK; b = b + 1) begin
            mk = 32'd0;
            for (j = 0; j < M; j = j + 1)
                if (in_data[b*BBY*8 + j*LO +: LO] == MARKER) mk = mk + 32'd1;
            wb = (hi == 4'd4) ? win >> {pre_n, 2'b00} : win >> {pre_n, 3'b000};
            for (s = 0; s < N; s = s + 1) begin
                v  = (hi == 4'd4) ? {{4{wb[s*4 + 3]}}, wb[s*4 +: 4]} : wb[s*8 +: 8];
                if (s < mk) begin
                    out_data[b*BBY*8 + M*LO + s*HI +: HI] = v[HI-1:0];
                    if (v == 8'd0 || v == ((hi == 4'd4) ? 8'hF8 : 8'h80)) err = 1'b1;
                end else begin
                    out_data[b*BBY*8 + M*LO + s*HI +: HI] = {HI{1'b0}};
                end
            end
            // the block's values are those of indices pre .. pre + min(mk, N) - 1
            used_b = (mk < N32) ? mk : N32;
            if (used_b != 32'd0 &&
                (vidx + pre + used_b) * {28'd0, hi} > {vbytes[28:0], 3'b000})
                err = 1'b1;
            pre = pre + mk;
            pre_n = pre[PW-1:0];
        end
        total = pre;
    end

    wire [31:0] need  = total * {28'd0, hi};
    wire [31:0] words = vbytes >> 2;
    // the section is read to its end: a beat with more markers than values left passes
    // (its values past the section are flagged above)
    wire        exhausted = nxt >= words && !pend;
    wire        avail = {{(32-FW){1'b0}}, fill} >= need || exhausted;
    assign out_valid = in_valid && avail;
    assign in_ready  = out_ready && avail;
    assign out_last  = in_last;
    wire fire = in_valid && out_ready && avail;

    // prefetch: a word per cycle while the window has room for it and the one in flight
    assign rd_en   = !clear && nxt < words && {{(32-FW){1'b0}}, fill} + 32'd64 <= CAP32;
    assign rd_addr = nxt;
    wire [FW-1:0]  used = fire ? (need < {{(32-FW){1'b0}}, fill} ? need[FW-1:0] : fill)
                               : {FW{1'b0}};
    wire [FW-1:0]  left = fill - used;
    wire [NW:0]    rp_add  = {1'b0, rp} + {{(NW+3-FW){1'b0}}, used[FW-1:2]};
    wire [NW:0]    rp_wrap = rp_add - SN_P;
    wire [NW-1:0]  rp_next = (rp_add >= SN_P) ? rp_wrap[NW-1:0] : rp_add[NW-1:0];
    wire unused_bits = ^{at_rp[2*SW*32-1:WIN], rp_wrap[NW], used[1:0]};

    always @(posedge clk) begin
        if (clear) begin
            rp   <= {NW{1'b0}};
            wp   <= {AW{1'b0}};
            fill <= {FW{1'b0}};
            nxt  <= 32'd0;
            pend <= 1'b0;
            vidx <= 32'd0;
            bad  <= 1'b0;
        end else begin
            pend <= rd_en;
            if (rd_en) nxt <= nxt + 32'd1;
            if (pend) begin
                for (n = 0; n < SW; n = n + 1)
                    if ({{(32-AW){1'b0}}, wp} == n) ring[n*32 +: 32] <= rd_data;
                wp <= (wp == LASTW) ? {AW{1'b0}} : wp + 1'b1;
            end
            rp   <= rp_next;
            fill <= left + (pend ? PW32 : {FW{1'b0}});
            if (fire) begin
                vidx <= vidx + total;
                if (err) bad <= 1'b1;
            end
        end
    end
endmodule
`default_nettype wire
