// AXI4 write engine with the output buffer. The output unit writes bytes into the buffer at
// their offset in the transfer (a byte write port that places byte i at address lane
// (off + i) % BPW); then one command (address, length) writes them with INCR bursts of at
// most 256 beats that never cross 4 KiB, WSTRB masking the bytes before the start and after
// the end. The address of a burst is sent before its data; several bursts may await their
// responses. An error response sets err/err_addr (the command's address) until the next one.
// The buffer is block RAM: one write port and one registered read port (docs/fpga.md). A
// byte write with b_max (max-pooling in place) reads the old word in its cycle and writes
// the larger byte one cycle later; a write to the same byte in between is forwarded. The
// read port serves the bursts while a command runs: it reads the next word ahead (widx's
// next value), so m_wdata holds word widx. A command must come at least two cycles after
// the last byte write (the command unit's states take longer).
`default_nettype none
module hq_axi_wr #(
    parameter DW        = 64,
    parameter BUF_BYTES = 4096              // output bytes of one image (+ one bus word)
) (
    input  wire          clk,
    input  wire          rst,
    // byte write port of the buffer
    input  wire [$clog2(DW / 8)-1:0] off,      // destination address % BPW
    input  wire          b_en,
    input  wire [31:0]   b_idx,
    input  wire [7:0]    b_data,
    input  wire          b_max,             // write max(the byte at b_idx, b_data) (pooling)
    // command
    input  wire          cmd_valid,         // taken when idle
    input  wire [31:0]   cmd_addr,          // cmd_addr % BPW == off
    input  wire [31:0]   cmd_len,           // >= 1, off + cmd_len <= BUF_BYTES
    output wire          idle,
    output reg           err,
    output reg  [31:0]   err_addr,
    // AXI4 write channels
    output reg  [31:0]   m_awaddr,
    output reg  [7:0]    m_awlen,
    output wire [2:0]    m_awsize,
    output wire [1:0]    m_awburst,
    output reg           m_awvalid,
    input  wire          m_awready,
    output wire [DW-1:0] m_wdata,
    output wire [DW/8-1:0] m_wstrb,
    output wire          m_wlast,
    output reg           m_wvalid,
    input  wire          m_wready,
    input  wire [1:0]    m_bresp,
    input  wire          m_bvalid,
    output wire          m_bready
);
    localparam BPW = DW / 8;               // bytes per bus word
    localparam SH    = $clog2(BPW);
    localparam WORDS = (BUF_BYTES + BPW - 1) / BPW;
    localparam AW    = $clog2(WORDS);
    reg [DW-1:0] mem [0:WORDS-1];
    reg [DW-1:0] rdata;                     // the read port's register

    // write pipeline: a max write waits one cycle for the old word
    wire [31:0]   pos = {{(32-SH){1'b0}}, off} + b_idx;
    reg           p_en, p_max;              // the byte write of the previous cycle
    reg [AW+SH-1:0] p_pos;
    reg [7:0]     p_data;
    reg           f_en;                     // the byte written at the last edge (forwarding)
    reg [AW+SH-1:0] f_pos;
    reg [7:0]     f_data;
    wire [7:0]    ram_old = rdata[p_pos[SH-1:0]*8 +: 8];
    wire [7:0]    old_b   = (f_en && f_pos == p_pos) ? f_data : ram_old;
    wire [7:0]    w_byte  = (p_max && old_b > p_data) ? old_b : p_data;
    always @(posedge clk) begin
        p_en   <= b_en && !rst;
        p_max  <= b_max;
        p_pos  <= pos[AW+SH-1:0];
        p_data <= b_data;
        f_en   <= p_en && !rst;
        f_pos  <= p_pos;
        f_data <= w_byte;
    end
    wire [BPW-1:0] lane_we = p_en ? ({{(BPW-1){1'b0}}, 1'b1} << p_pos[SH-1:0]) : {BPW{1'b0}};
    integer li;
    always @(posedge clk)
        for (li = 0; li < BPW; li = li + 1)
            if (lane_we[li]) mem[p_pos[AW+SH-1:SH]][li*8 +: 8] <= w_byte;

    assign m_awsize  = SH[2:0];
    assign m_awburst = 2'b01;
    assign m_bready  = 1'b1;

    reg         active, in_burst;
    reg [31:0]  next_addr;
    reg [31:0]  words_left;                 // words not yet requested
    reg [31:0]  widx, wlast_idx;            // next word to send, the command's last word
    reg [7:0]   wcnt;                       // beats left in the current burst, minus one
    reg [SH-1:0] lo0;                       // first byte lane of word 0
    reg [SH-1:0] hi_last;                   // last byte lane of the last word
    reg [15:0]  pend_b;                     // bursts awaiting their response
    reg [31:0]  cmd_addr_q;                 // the command's address (error report)

    wire [12:0] to_page = 13'd4096 - {1'b0, next_addr[11:0]};
    wire [31:0] page_words = {19'd0, to_page >> SH};
    wire [31:0] lim = (page_words < 32'd256) ? page_words : 32'd256;
    wire [31:0] burst = (words_left < lim) ? words_left : lim;

    assign m_wlast = (wcnt == 8'd0);
    // word 0 starts at lane lo0, the last word ends at lane hi_last
    wire [BPW-1:0] ones = {BPW{1'b1}};
    wire [BPW-1:0] lo_mask = (widx == 32'd0) ? ones << lo0 : ones;
    localparam [31:0]   TOP32 = BPW - 1;
    localparam [SH-1:0] TOP_LANE = TOP32[SH-1:0];
    wire [SH-1:0]  hi_sh = TOP_LANE - hi_last;
    wire [BPW-1:0] hi_mask = (widx == wlast_idx) ? ones >> hi_sh : ones;
    assign m_wstrb = lo_mask & hi_mask;
    assign idle = !active;

    wire fire_aw = m_awvalid && m_awready;
    wire fire_w  = m_wvalid && m_wready;
    wire fire_b  = m_bvalid && m_bready;
    // the read port: the next word of the burst while a command runs, else the word of the
    // byte written now (its old value for a max write)
    wire [31:0] widx_nx = (!active && cmd_valid) ? 32'd0 : (active && fire_w) ? widx + 32'd1 : widx;
    wire [AW-1:0] raddr = (active || cmd_valid) ? widx_nx[AW-1:0] : pos[AW+SH-1:SH];
    always @(posedge clk) rdata <= mem[raddr];
    assign m_wdata = rdata;

    wire [31:0] last_byte = {{(32-SH){1'b0}}, cmd_addr[SH-1:0]} + cmd_len - 32'd1;

    always @(posedge clk) begin
        if (rst) begin
            active    <= 1'b0;
            in_burst  <= 1'b0;
            m_awvalid <= 1'b0;
            m_wvalid  <= 1'b0;
            err       <= 1'b0;
            err_addr  <= 32'd0;
            pend_b    <= 16'd0;
        end else if (!active) begin
            if (cmd_valid) begin
                active     <= 1'b1;
                err        <= 1'b0;
                err_addr   <= 32'd0;
                next_addr  <= {cmd_addr[31:SH], {SH{1'b0}}};
                words_left <= (last_byte >> SH) + 32'd1;
                wlast_idx  <= last_byte >> SH;
                widx       <= 32'd0;
                lo0        <= cmd_addr[SH-1:0];
                hi_last    <= last_byte[SH-1:0];
                cmd_addr_q <= cmd_addr;
            end
        end else begin
            // one burst at a time: its address, then its data
            if (!in_burst && !m_awvalid && words_left != 32'd0) begin
                m_awaddr   <= next_addr;
                m_awlen    <= burst[7:0] - 8'd1;
                m_awvalid  <= 1'b1;
                wcnt       <= burst[7:0] - 8'd1;
                words_left <= words_left - burst;
                next_addr  <= next_addr + burst * BPW;
                in_burst   <= 1'b1;
            end
            if (fire_aw) begin
                m_awvalid <= 1'b0;
                m_wvalid  <= 1'b1;
            end
            if (fire_w) begin
                widx <= widx + 32'd1;
                wcnt <= wcnt - 8'd1;
                if (m_wlast) begin
                    m_wvalid <= 1'b0;
                    in_burst <= 1'b0;
                end
            end
            pend_b <= pend_b + {15'd0, fire_w && m_wlast} - {15'd0, fire_b};
            if (fire_b && m_bresp != 2'b00 && !err) begin
                err      <= 1'b1;
                err_addr <= cmd_addr_q;
            end
            if (!in_burst && !m_awvalid && words_left == 32'd0 && pend_b == 16'd0 && !fire_w)
                active <= 1'b0;
        end
    end
    wire unused_pos = ^{pos[31:AW+SH], widx_nx[31:AW]};
endmodule
`default_nettype wire
