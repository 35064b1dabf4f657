// hq_board_ulx3s: the accelerator on a ULX3S board (LFE5U-85F, CABGA381; docs/board.md).
// hq_accel (the board configuration `ulx3s` of rtl/configs.json: the `default` lane-group
// tile, no weight decoder besides its own blocks; 64-bit AXI) with
// MEM_BYTES of on-chip block RAM as its memory (hq_axi_ram) at MEM_BASE, the network's DRAM
// image address (HQ_ACCEL_NET_ADDR), and a UART-to-register bridge (hq_uart_bridge) on the
// FTDI serial port at CLK_HZ / CLKS_PER_BIT baud (1 Mbaud). The accelerator's interrupt is
// the bridge's STATUS register bit 0 and LED 0. Clock: the 25 MHz oscillator, no PLL. Reset:
// FIRE1 (btn[1]), synchronized, plus a power-on reset. Pins: rtl/board/ulx3s_v20.lpf.
`default_nettype none
module hq_board_ulx3s #(
    parameter UNIFORM      = 0,
    parameter LANES        = 64,
    parameter G            = 32,
    parameter M            = 32,
    parameter N            = 1,
    parameter LO           = 2,
    parameter HI           = 8,
    parameter NB_MAX       = 16,
    parameter OPORT        = 1,
    parameter MAX_ROWS     = 1024,
    // the weight decoders built (hq_accel LAYOUTS): rtl/configs.json boards.ulx3s, none (the
    // tile's own blocks only: the decoders do not fit the LFE5U-85F)
    parameter LAYOUTS      = 0,
    parameter CLK_HZ       = 25000000,
    parameter CLKS_PER_BIT = 25,          // 1 Mbaud at 25 MHz (the FT231X does 3 Mbaud)
    parameter [31:0] MEM_BASE  = 32'h8010_0000,
    parameter        MEM_BYTES = 262144   // 256 KiB: 128 of the 208 DP16KD
) (
    input  wire       clk_25mhz,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [6:0] btn,        // only FIRE1 (btn[1]) is used
    /* verilator lint_on UNUSEDSIGNAL */        // btn[0] PWRn (active low), btn[1..6] active high
    input  wire       ftdi_txd,   // the FTDI transmits, the FPGA receives
    output wire       ftdi_rxd,   // the FPGA transmits
    output wire [7:0] led,
    output wire       wifi_gpio0  // held high: the ESP32 must not reset the board
);
    wire clk = clk_25mhz;

    // reset: power-on (16 cycles) or FIRE1, synchronized to the clock
    reg [3:0] por = 4'd0;
    reg [1:0] btn_sync = 2'b00;
    reg       rst = 1'b1;
    always @(posedge clk) begin
        btn_sync <= {btn_sync[0], btn[1]};
        if (!por[3]) por <= por + 1'b1;
        rst <= !por[3] || btn_sync[1];
    end

    // AXI4-Lite: bridge -> accelerator registers
    wire [7:0]  awaddr, araddr;
    wire [31:0] wdata, rdata;
    wire [3:0]  wstrb;
    wire [1:0]  bresp, rresp;
    wire        awvalid, awready, wvalid, wready, bvalid, bready;
    wire        arvalid, arready, rvalid, rready;
    // AXI4: accelerator -> memory
    wire [31:0] m_araddr, m_awaddr;
    wire [7:0]  m_arlen, m_awlen;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [2:0]  m_arsize, m_awsize;    // always the full 8-byte width, INCR (docs/rtl-accel.md)
    wire [1:0]  m_arburst, m_awburst;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [1:0]  m_rresp, m_bresp;
    wire [63:0] m_rdata, m_wdata;
    wire [7:0]  m_wstrb;
    wire        m_arvalid, m_arready, m_rlast, m_rvalid, m_rready;
    wire        m_awvalid, m_awready, m_wlast, m_wvalid, m_wready, m_bvalid, m_bready;
    wire        irq, rd_stall;
    wire        act_wait_unused;   // the benches' activation-wait probe: no board use
    wire [4:0]  state;
    // host port: bridge -> memory
    wire        h_req, h_we, h_ack;
    wire [31:0] h_addr, h_wdata, h_rdata;
    // UART bytes
    wire [7:0]  rx_data, tx_data;
    wire        rx_valid, tx_valid, tx_ready;

    hq_accel #(
        .UNIFORM(UNIFORM), .LANES(LANES), .G(G), .M(M), .N(N), .LO(LO), .HI(HI),
        .NB_MAX(NB_MAX), .OPORT(OPORT), .DW(64), .MAX_ROWS(MAX_ROWS), .LAYOUTS(LAYOUTS)
    ) u_accel (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb), .s_axil_wvalid(wvalid),
        .s_axil_wready(wready), .s_axil_bresp(bresp), .s_axil_bvalid(bvalid),
        .s_axil_bready(bready), .s_axil_araddr(araddr), .s_axil_arvalid(arvalid),
        .s_axil_arready(arready), .s_axil_rdata(rdata), .s_axil_rresp(rresp),
        .s_axil_rvalid(rvalid), .s_axil_rready(rready),
        .m_axi_araddr(m_araddr), .m_axi_arlen(m_arlen), .m_axi_arsize(m_arsize),
        .m_axi_arburst(m_arburst), .m_axi_arvalid(m_arvalid), .m_axi_arready(m_arready),
        .m_axi_rdata(m_rdata), .m_axi_rresp(m_rresp), .m_axi_rlast(m_rlast),
        .m_axi_rvalid(m_rvalid), .m_axi_rready(m_rready),
        .m_axi_awaddr(m_awaddr), .m_axi_awlen(m_awlen), .m_axi_awsize(m_awsize),
        .m_axi_awburst(m_awburst), .m_axi_awvalid(m_awvalid), .m_axi_awready(m_awready),
        .m_axi_wdata(m_wdata), .m_axi_wstrb(m_wstrb), .m_axi_wlast(m_wlast),
        .m_axi_wvalid(m_wvalid), .m_axi_wready(m_wready),
        .m_axi_bresp(m_bresp), .m_axi_bvalid(m_bvalid), .m_axi_bready(m_bready),
        .irq(irq), .dbg_state(state), .dbg_rd_stall(rd_stall),
        .dbg_act_wait(act_wait_unused));

    hq_axi_ram #(.BASE(MEM_BASE), .BYTES(MEM_BYTES)) u_mem (
        .clk(clk), .rst(rst),
        .s_axi_araddr(m_araddr), .s_axi_arlen(m_arlen), .s_axi_arvalid(m_arvalid),
        .s_axi_arready(m_arready), .s_axi_rdata(m_rdata), .s_axi_rresp(m_rresp),
        .s_axi_rlast(m_rlast), .s_axi_rvalid(m_rvalid), .s_axi_rready(m_rready),
        .s_axi_awaddr(m_awaddr), .s_axi_awlen(m_awlen), .s_axi_awvalid(m_awvalid),
        .s_axi_awready(m_awready), .s_axi_wdata(m_wdata), .s_axi_wstrb(m_wstrb),
        .s_axi_wlast(m_wlast), .s_axi_wvalid(m_wvalid), .s_axi_wready(m_wready),
        .s_axi_bresp(m_bresp), .s_axi_bvalid(m_bvalid), .s_axi_bready(m_bready),
        .h_req(h_req), .h_we(h_we), .h_addr(h_addr), .h_wdata(h_wdata), .h_rdata(h_rdata),
        .h_ack(h_ack));

    hq_uart_bridge #(
        .MEM_BASE(MEM_BASE), .MEM_BYTES(MEM_BYTES), .CLK_HZ(CLK_HZ),
        .CLKS_PER_BIT(CLKS_PER_BIT)
    ) u_bridge (
        .clk(clk), .rst(rst),
        .rx_data(rx_data), .rx_valid(rx_valid), .tx_data(tx_data), .tx_valid(tx_valid),
        .tx_ready(tx_ready),
        .m_axil_awaddr(awaddr), .m_axil_awvalid(awvalid), .m_axil_awready(awready),
        .m_axil_wdata(wdata), .m_axil_wstrb(wstrb), .m_axil_wvalid(wvalid),
        .m_axil_wready(wready), .m_axil_bresp(bresp), .m_axil_bvalid(bvalid),
        .m_axil_bready(bready), .m_axil_araddr(araddr), .m_axil_arvalid(arvalid),
        .m_axil_arready(arready), .m_axil_rdata(rdata), .m_axil_rresp(rresp),
        .m_axil_rvalid(rvalid), .m_axil_rready(rready),
        .h_req(h_req), .h_we(h_we), .h_addr(h_addr), .h_wdata(h_wdata), .h_rdata(h_rdata),
        .h_ack(h_ack), .irq(irq), .rd_stall(rd_stall));

    hq_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk(clk), .rst(rst), .rx(ftdi_txd), .data(rx_data), .valid(rx_valid));
    hq_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready),
        .tx(ftdi_rxd));

    // LEDs: 0 interrupt, 1 accelerator busy, 2 a byte received (stretched), 7 heartbeat
    reg [24:0] beat = 25'd0;
    reg [20:0] rx_led = 21'd0;
    always @(posedge clk) begin
        beat <= beat + 1'b1;
        if (rx_valid) rx_led <= {21{1'b1}};
        else if (rx_led != 0) rx_led <= rx_led - 1'b1;
    end
    assign led = {beat[24], 4'd0, rx_led != 0, state != 5'd0, irq};
    assign wifi_gpio0 = 1'b1;
endmodule
