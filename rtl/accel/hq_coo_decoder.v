// Decoder of the `coo` layout (docs/layouts.md, model/accel/coo_decoder.cpp) for the
// lane-group tile: the low plane comes decoded by hq_dense_decoder (lo 1 or 2, a marker there
// is an error); this module walks each row's (delta, value) entries and puts every high
// weight into its block: the tile's marker at its column, the value in the block's next slot
// (N slots: hq_accel gives M, hq_beat_split.v feeds them to the tile). The count and entry
// sections are in hq_side_buf (read once per layer by the command unit), read through its one
// registered read port: the entries a word per cycle into a small window, ahead of the walk;
// a row's count when the row starts (the port's priority). One entry per cycle, a few more
// at each row's start (its count): a beat waits (the plane stream stalls) until every entry
// up to its last column is placed.
//   bad: a high weight at column >= K or of value -2^(hi-1), or an entry past the section
//        (ERR_WEIGHTS).
`include "pe_widths.vh"
`default_nettype none
module hq_coo_decoder #(
    parameter LANES      = 64,
    parameter M          = 32,
    parameter N          = 1,
    parameter LO         = 2,
    parameter HI         = 8
) (
    input  wire        clk,
    input  wire        clear,              // a new weight stream: row 0, entry 0
    input  wire [3:0]  hi,                 // the layer's hi bits (4 or 8)
    input  wire [15:0] rows,
    input  wire [15:0] cols,               // K
    input  wire [31:0] nbytes,             // bytes of the sections in the buffer
    output wire        rd_en,              // buffer read (hq_side_buf), word index
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
    localparam SW   = $clog2(N + 1);
    localparam [LO-1:0] MARKER = {1'b1, {(LO-1){1'b0}}};
    localparam [31:0] LANES32 = LANES, M32 = M, N32 = N;

    // ---- state of the walk ----
    reg            row_init;               // the row's count is still to be read
    reg [15:0]     row, k_left;
    reg [31:0]     cursor, col, e;         // column of the cursor, of the beat; entry index
    reg [LANES-1:0] mask;                  // columns of this beat holding a high weight
    reg [NBLK*N*HI-1:0] slot;
    reg [NBLK*SW-1:0]   used;

    // ---- the buffer's read port: a row's count first, else the next entry word ----
    // entry e: 8 delta bits then hi value bits, from the entry section (16-byte aligned
    // after the counts)
    wire [31:0] ebase = ({16'd0, rows} * 32'd2 + 32'd15) & ~32'd15;
    wire [31:0] ew    = 32'd8 + {28'd0, hi};
    wire [31:0] ebit  = {ebase[28:0], 3'b000} + e * ew;
    wire [31:0] words = nbytes >> 2;
    reg  [95:0] ewin;                      // the next entries' bits, bit 0 the oldest
    reg  [6:0]  efill;
    reg  [31:0] enxt;                      // next entry word to read
    reg         epend, cpend;              // an entry word / the count word in flight
    reg         chave;                     // the row's count has arrived
    reg  [15:0] cnt;
    wire        want_cnt = row_init && !chave && !cpend;
    wire        e_room   = {25'd0, efill} + 32'd64 <= 32'd96;
    assign rd_en   = !clear && (want_cnt || (enxt < words && e_room));
    assign rd_addr = want_cnt ? {17'd0, row[15:1]} : enxt;
    wire [7:0]  delta = ewin[7:0];
    wire [7:0]  v     = (hi == 4'd4) ? {{4{ewin[11]}}, ewin[11:8]} : ewin[15:8];
    wire        e_out = ebit + ew > {nbytes[28:0], 3'b000};      // past the section
    wire        e_ok  = e_out || {25'd0, efill} >= ew;            // the entry is in the window
    wire        skip  = v == 8'd0;
    wire [31:0] pos   = cursor + {24'd0, delta};
    wire        in_beat = pos < col + LANES32;
    wire        past_k  = pos >= {16'd0, cols};
    // a beat is complete when its row has no entry left, or the next high weight lies in a
    // later beat of the row
    wire walking = in_valid && !row_init && k_left != 16'd0 && e_ok;
    wire done    = in_valid && !row_init &&
                   (k_left == 16'd0 || (e_ok && !in_last && !skip && !in_beat && !e_out));
    wire take_e  = walking && !done && !e_out;     // an entry leaves the window
    wire [6:0]  eleft = take_e ? efill - ew[6:0] : efill;
    wire [95:0] ekept = take_e ? ewin >> ew[6:0] : ewin;

    assign out_valid = done;
    assign in_ready  = done && out_ready;
    assign out_last  = in_last;

    // the high weight of entry e in this beat: its block and lane
    wire [31:0] off  = pos - col;
    wire [31:0] blk  = off / M32;
    reg  [SW-1:0] u;
    integer b, j, s;
    always @* begin
        out_data = in_data;
        for (b = 0; b < NBLK; b = b + 1) begin
            for (j = 0; j < M; j = j + 1)
                if (mask[b*M + j]) out_data[b*BBY*8 + j*LO +: LO] = MARKER;
            for (s = 0; s < N; s = s + 1)
                out_data[b*BBY*8 + M*LO + s*HI +: HI] = slot[(b*N + s)*HI +: HI];
        end
        u = used[blk[$clog2(NBLK+1)-1:0]*SW +: SW];
    end

    always @(posedge clk) begin
        if (clear) begin
            row_init <= 1'b1;
            row      <= 16'd0;
            k_left   <= 16'd0;
            cursor   <= 32'd0;
            col      <= 32'd0;
            e        <= 32'd0;
            mask     <= {LANES{1'b0}};
            slot     <= {(NBLK*N*HI){1'b0}};
            used     <= {(NBLK*SW){1'b0}};
            bad      <= 1'b0;
            ewin     <= 96'd0;
            efill    <= 7'd0;
            enxt     <= ebase >> 2;
            epend    <= 1'b0;
            cpend    <= 1'b0;
            chave    <= 1'b0;
        end else begin
            // the read port: the word asked for last cycle arrives
            cpend <= rd_en && want_cnt;
            epend <= rd_en && !want_cnt;
            if (rd_en && !want_cnt) enxt <= enxt + 32'd1;
            if (cpend) begin
                cnt   <= row[0] ? rd_data[31:16] : rd_data[15:0];
                chave <= 1'b1;
            end
            ewin  <= ekept | (epend ? {64'd0, rd_data} << eleft : 96'd0);
            efill <= eleft + (epend ? 7'd32 : 7'd0);
        end
        if (clear) begin
        end else if (in_valid && row_init && chave) begin
            row_init <= 1'b0;
            chave    <= 1'b0;
            k_left   <= cnt;
            cursor   <= 32'd0;
            if ({15'd0, row, 1'b0} + 32'd2 > nbytes) bad <= 1'b1;   // count past the section
        end else if (done) begin
            if (out_ready) begin
                mask <= {LANES{1'b0}};
                slot <= {(NBLK*N*HI){1'b0}};
                used <= {(NBLK*SW){1'b0}};
                col  <= in_last ? 32'd0 : col + LANES32;
                if (in_last) begin
                    row      <= row + 16'd1;
                    row_init <= 1'b1;
                end
            end
        end else if (walking) begin
            // one entry: a skip moves the cursor; a high weight takes its block's next slot
            e      <= e + 32'd1;
            k_left <= k_left - 16'd1;
            if (e_out) begin
                bad    <= 1'b1;
                k_left <= 16'd0;
            end else if (skip) begin
                cursor <= pos;
            end else begin
                cursor <= pos + 32'd1;
                if (past_k || v == ((hi == 4'd4) ? 8'hF8 : 8'h80)) bad <= 1'b1;
                else if ({{(32-SW){1'b0}}, u} < N32) begin
                    mask[off[$clog2(LANES)-1:0]] <= 1'b1;
                    slot[(blk[$clog2(NBLK+1)-1:0]*N + {{(32-SW){1'b0}}, u})*HI +: HI] <= v[HI-1:0];
                    used[blk[$clog2(NBLK+1)-1:0]*SW +: SW] <= u + 1'b1;
                end
            end
        end
    end
    wire unused = ^{blk, ebase[31:29], ebit[31:29]};
endmodule
`default_nettype wire
