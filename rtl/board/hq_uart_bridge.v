// hq_uart_bridge: the board's command protocol over the UART (docs/board.md, "Protocol").
// A request is  A5 CMD A0 A1 A2 A3 N [4*N payload bytes for the two writes] SUM ; the answer
// is  5A STATUS [4 bytes for READ_REG, 4*N for READ_MEM, when STATUS is OK] SUM ; every frame's
// bytes, SUM included, add up to 0 mod 256. Commands: 1 READ_REG, 2 WRITE_REG (N = 1; address
// below 0x100: the accelerator's AXI4-Lite registers, 0x100 and up: the board registers),
// 3 READ_MEM, 4 WRITE_MEM (N = 1..MAX_WORDS words inside the memory window). Every complete
// frame is answered: a bad checksum, an unknown command, a bad N or address, and an AXI error
// response each get their status, and nothing is written unless the whole frame was good (the
// write payload is buffered until its checksum is checked). Bytes before a sync byte are
// skipped; a frame that stops for TIMEOUT cycles is dropped. Addresses and data little-endian.
`default_nettype none
module hq_uart_bridge #(
    parameter [31:0] MEM_BASE     = 32'h8010_0000,
    parameter [31:0] MEM_BYTES    = 32'd262144,
    parameter [31:0] CLK_HZ       = 32'd25_000_000,
    parameter [31:0] CLKS_PER_BIT = 32'd25,
    parameter        MAX_WORDS    = 64,   // words per WRITE_MEM / READ_MEM frame
    parameter        TIMEOUT      = 65536 // cycles without a byte inside a frame
) (
    input  wire        clk,
    input  wire        rst,
    // UART bytes
    input  wire [7:0]  rx_data,
    input  wire        rx_valid,
    output reg  [7:0]  tx_data,
    output reg         tx_valid,
    input  wire        tx_ready,
    // AXI4-Lite master: the accelerator's registers
    output reg  [7:0]  m_axil_awaddr,
    output reg         m_axil_awvalid,
    input  wire        m_axil_awready,
    output wire [31:0] m_axil_wdata,
    output wire [3:0]  m_axil_wstrb,
    output reg         m_axil_wvalid,
    input  wire        m_axil_wready,
    input  wire [1:0]  m_axil_bresp,
    input  wire        m_axil_bvalid,
    output wire        m_axil_bready,
    output reg  [7:0]  m_axil_araddr,
    output reg         m_axil_arvalid,
    input  wire        m_axil_arready,
    input  wire [31:0] m_axil_rdata,
    input  wire [1:0]  m_axil_rresp,
    input  wire        m_axil_rvalid,
    output wire        m_axil_rready,
    // memory host port (hq_axi_ram)
    output reg         h_req,
    output reg         h_we,
    output reg  [31:0] h_addr,
    output wire [31:0] h_wdata,
    input  wire [31:0] h_rdata,
    input  wire        h_ack,
    // board status
    input  wire        irq,
    input  wire        rd_stall    // hq_accel's dbg_rd_stall: counted into RD_STALL
);
    `include "hq_board_protocol.vh"

    localparam P_SYNC = 4'd0, P_CMD = 4'd1, P_ADDR = 4'd2, P_N = 4'd3, P_PAY = 4'd4,
               P_SUM = 4'd5, X_CHECK = 4'd6, X_AXIL = 4'd7, X_MEMW = 4'd8, T_HDR = 4'd9,
               T_STAT = 4'd10, T_FETCH = 4'd11, T_DATA = 4'd12, T_SUM = 4'd13;
    localparam TW = $clog2(TIMEOUT + 1);
    localparam BW = $clog2(MAX_WORDS);

    reg [3:0]    st;
    reg [7:0]    cmd, n, status, sum, tsum;
    reg [31:0]   addr, word;
    reg [1:0]    bidx;         // byte within a word
    reg [9:0]    pay_left;     // payload bytes still to come
    reg [7:0]    widx;         // word index (payload in, memory loop, data out)
    reg [TW-1:0] idle;
    reg [31:0]   buf_mem [0:MAX_WORDS-1];
    reg [63:0]   rd_stall_cnt;
    reg [31:0]   rd_stall_hi;  // latched when RD_STALL_LO is read
    reg [31:0]   errors;

    wire is_write  = cmd == `HQB_CMD_WRITE_REG || cmd == `HQB_CMD_WRITE_MEM;
    wire is_reg    = cmd == `HQB_CMD_READ_REG || cmd == `HQB_CMD_WRITE_REG;
    wire known     = cmd >= `HQB_CMD_READ_REG && cmd <= `HQB_CMD_WRITE_MEM;
    wire len_ok    = is_reg ? n == 8'd1 : (n != 8'd0 && n <= MAX_WORDS);
    wire [32:0] mem_end = {1'b0, addr} + {23'd0, n, 2'b00};
    wire mem_ok    = addr >= MEM_BASE && mem_end <= {1'b0, MEM_BASE} + {1'b0, MEM_BYTES};
    wire board_reg = addr >= `HQB_REG_BASE && addr < `HQB_REG_END;
    wire addr_ok   = addr[1:0] == 2'b00 &&
                     (is_reg ? (addr < `HQB_REG_BASE ||
                                (board_reg && cmd == `HQB_CMD_READ_REG)) : mem_ok);
    wire [7:0] rx_sum = sum + rx_data;

    assign m_axil_wdata  = buf_mem[0];
    assign m_axil_wstrb  = 4'hF;
    assign m_axil_bready = st == X_AXIL;
    assign m_axil_rready = st == X_AXIL;
    assign h_wdata       = buf_mem[widx[BW-1:0]];

    // board registers (read-only)
    reg [31:0] board_val;
    always @(*) begin
        case (addr)
        `HQB_REG_ID:           board_val = `HQB_BOARD_ID;
        `HQB_REG_STATUS:       board_val = {31'd0, irq};
        `HQB_REG_MEM_BASE:     board_val = MEM_BASE;
        `HQB_REG_MEM_BYTES:    board_val = MEM_BYTES;
        `HQB_REG_CLK_HZ:       board_val = CLK_HZ;
        `HQB_REG_CLKS_PER_BIT: board_val = CLKS_PER_BIT;
        `HQB_REG_MAX_WORDS:    board_val = MAX_WORDS;
        `HQB_REG_RD_STALL_LO:  board_val = rd_stall_cnt[31:0];
        `HQB_REG_RD_STALL_HI:  board_val = rd_stall_hi;
        `HQB_REG_ERRORS:       board_val = errors;
        default:                       board_val = 32'd0;
        endcase
    end

    // one byte out: only when the transmitter is free and no byte was just handed to it
    wire can_send = tx_ready && !tx_valid;

    always @(posedge clk) begin
        if (rst) begin
            st             <= P_SYNC;
            cmd            <= 8'd0;
            n              <= 8'd0;
            status         <= 8'd0;
            sum            <= 8'd0;
            tsum           <= 8'd0;
            addr           <= 32'd0;
            word           <= 32'd0;
            bidx           <= 2'd0;
            pay_left       <= 10'd0;
            widx           <= 8'd0;
            idle           <= 0;
            tx_data        <= 8'd0;
            tx_valid       <= 1'b0;
            m_axil_awaddr  <= 8'd0;
            m_axil_awvalid <= 1'b0;
            m_axil_wvalid  <= 1'b0;
            m_axil_araddr  <= 8'd0;
            m_axil_arvalid <= 1'b0;
            h_req          <= 1'b0;
            h_we           <= 1'b0;
            h_addr         <= 32'd0;
            rd_stall_cnt   <= 64'd0;
            rd_stall_hi    <= 32'd0;
            errors         <= 32'd0;
        end else begin
            tx_valid <= 1'b0;
            if (rd_stall) rd_stall_cnt <= rd_stall_cnt + 64'd1;
            // a frame that stops half-way is dropped
            if (st >= P_CMD && st <= P_SUM) begin
                if (rx_valid) idle <= 0;
                else if (idle == TIMEOUT) begin
                    st     <= P_SYNC;
                    errors <= errors + 32'd1;
                end else idle <= idle + 1'b1;
            end else idle <= 0;
            case (st)
            P_SYNC:
                if (rx_valid && rx_data == `HQB_SYNC_REQ) begin
                    sum <= rx_data;
                    st  <= P_CMD;
                end
            P_CMD:
                if (rx_valid) begin
                    cmd  <= rx_data;
                    sum  <= rx_sum;
                    bidx <= 2'd0;
                    st   <= P_ADDR;
                end
            P_ADDR:
                if (rx_valid) begin
                    addr <= {rx_data, addr[31:8]};
                    sum  <= rx_sum;
                    bidx <= bidx + 1'b1;
                    if (bidx == 2'd3) st <= P_N;
                end
            P_N:
                if (rx_valid) begin
                    n        <= rx_data;
                    sum      <= rx_sum;
                    pay_left <= is_write ? {rx_data, 2'b00} : 10'd0;
                    widx     <= 8'd0;
                    bidx     <= 2'd0;
                    st       <= (is_write && rx_data != 8'd0) ? P_PAY : P_SUM;
                end
            P_PAY:
                if (rx_valid) begin
                    word     <= {rx_data, word[31:8]};
                    sum      <= rx_sum;
                    bidx     <= bidx + 1'b1;
                    pay_left <= pay_left - 1'b1;
                    if (bidx == 2'd3) begin
                        if (widx < MAX_WORDS) buf_mem[widx[BW-1:0]] <= {rx_data, word[31:8]};
                        widx <= widx + 1'b1;
                    end
                    if (pay_left == 10'd1) st <= P_SUM;
                end
            P_SUM:
                if (rx_valid) begin
                    sum <= rx_sum;
                    st  <= X_CHECK;
                end
            X_CHECK: begin
                widx <= 8'd0;
                bidx <= 2'd0;
                if (sum != 8'd0) status <= `HQB_ST_CHECKSUM;
                else if (!known) status <= `HQB_ST_UNKNOWN_CMD;
                else if (!len_ok) status <= `HQB_ST_BAD_LEN;
                else if (!addr_ok) status <= `HQB_ST_BAD_ADDR;
                else status <= `HQB_ST_OK;
                if (sum != 8'd0 || !known || !len_ok || !addr_ok) begin
                    errors <= errors + 32'd1;
                    st     <= T_HDR;
                end else if (is_reg && board_reg) begin
                    word <= board_val;
                    if (addr == `HQB_REG_RD_STALL_LO) rd_stall_hi <= rd_stall_cnt[63:32];
                    st <= T_HDR;
                end else if (cmd == `HQB_CMD_READ_REG) begin
                    m_axil_araddr  <= addr[7:0];
                    m_axil_arvalid <= 1'b1;
                    st             <= X_AXIL;
                end else if (cmd == `HQB_CMD_WRITE_REG) begin
                    m_axil_awaddr  <= addr[7:0];
                    m_axil_awvalid <= 1'b1;
                    m_axil_wvalid  <= 1'b1;
                    st             <= X_AXIL;
                end else if (cmd == `HQB_CMD_WRITE_MEM) begin
                    st <= X_MEMW;
                end else st <= T_HDR;  // READ_MEM: the words are fetched as they are sent
            end
            X_AXIL: begin  // one AXI4-Lite access; SLVERR/DECERR answered as a bus error
                if (m_axil_arvalid && m_axil_arready) m_axil_arvalid <= 1'b0;
                if (m_axil_awvalid && m_axil_awready) m_axil_awvalid <= 1'b0;
                if (m_axil_wvalid && m_axil_wready) m_axil_wvalid <= 1'b0;
                if (m_axil_rvalid) begin
                    word <= m_axil_rdata;
                    if (m_axil_rresp != 2'b00) begin
                        status <= `HQB_ST_BUS_ERROR;
                        errors <= errors + 32'd1;
                    end
                    st <= T_HDR;
                end
                if (m_axil_bvalid) begin
                    if (m_axil_bresp != 2'b00) begin
                        status <= `HQB_ST_BUS_ERROR;
                        errors <= errors + 32'd1;
                    end
                    st <= T_HDR;
                end
            end
            X_MEMW:  // the checked payload into memory, one word per host access
                if (!h_req) begin
                    h_req  <= 1'b1;
                    h_we   <= 1'b1;
                    h_addr <= addr + {22'd0, widx, 2'b00};
                end else if (h_ack) begin
                    h_req <= 1'b0;
                    widx  <= widx + 1'b1;
                    if (widx + 1'b1 == n) st <= T_HDR;
                end
            T_HDR:
                if (can_send) begin
                    tx_data  <= `HQB_SYNC_RSP;
                    tx_valid <= 1'b1;
                    tsum     <= `HQB_SYNC_RSP;
                    widx     <= 8'd0;
                    st       <= T_STAT;
                end
            T_STAT:
                if (can_send) begin
                    tx_data  <= status;
                    tx_valid <= 1'b1;
                    tsum     <= tsum + status;
                    bidx     <= 2'd0;
                    if (status != `HQB_ST_OK || cmd == `HQB_CMD_WRITE_REG ||
                        cmd == `HQB_CMD_WRITE_MEM) st <= T_SUM;
                    else if (cmd == `HQB_CMD_READ_MEM) st <= T_FETCH;
                    else st <= T_DATA;
                end
            T_FETCH:
                if (!h_req) begin
                    h_req  <= 1'b1;
                    h_we   <= 1'b0;
                    h_addr <= addr + {22'd0, widx, 2'b00};
                end else if (h_ack) begin
                    h_req <= 1'b0;
                    word  <= h_rdata;
                    st    <= T_DATA;
                end
            T_DATA:
                if (can_send) begin
                    tx_data  <= word[7:0];
                    tx_valid <= 1'b1;
                    tsum     <= tsum + word[7:0];
                    word     <= {8'd0, word[31:8]};
                    bidx     <= bidx + 1'b1;
                    if (bidx == 2'd3) begin
                        widx <= widx + 1'b1;
                        if (cmd == `HQB_CMD_READ_MEM && widx + 1'b1 != n) st <= T_FETCH;
                        else st <= T_SUM;
                    end
                end
            default:  // T_SUM
                if (can_send) begin
                    tx_data  <= 8'd0 - tsum;
                    tx_valid <= 1'b1;
                    st       <= P_SYNC;
                end
            endcase
        end
    end
endmodule
