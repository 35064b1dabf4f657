// hq_axi_ram: the board's memory as an AXI4 slave (64-bit data, INCR bursts of full-width
// beats, as hq_accel issues them) for the accelerator's master, plus a 32-bit host port for
// the UART bridge. One block-RAM port serves both: a burst runs to its end, then the host,
// then reads and writes alternate. Reads stream one beat per cycle (the RAM's output register
// is the R stage). A beat outside [BASE, BASE + BYTES) reads as zero with DECERR, a write beat
// there is dropped and the burst answered DECERR (hq_accel then ends with ERR_BAD_ADDR).
`default_nettype none
module hq_axi_ram #(
    parameter [31:0] BASE  = 32'h8010_0000,
    parameter        BYTES = 262144  // a power of two; BASE a multiple of it
) (
    input  wire        clk,
    input  wire        rst,
    // AXI4 slave (no IDs, no cache/prot; size = 8 bytes, INCR)
    input  wire [31:0] s_axi_araddr,
    input  wire [7:0]  s_axi_arlen,
    input  wire        s_axi_arvalid,
    output wire        s_axi_arready,
    output wire [63:0] s_axi_rdata,
    output wire [1:0]  s_axi_rresp,
    output wire        s_axi_rlast,
    output wire        s_axi_rvalid,
    input  wire        s_axi_rready,
    input  wire [31:0] s_axi_awaddr,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [7:0]  s_axi_awlen,  // the burst ends at WLAST
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire        s_axi_awvalid,
    output wire        s_axi_awready,
    input  wire [63:0] s_axi_wdata,
    input  wire [7:0]  s_axi_wstrb,
    input  wire        s_axi_wlast,
    input  wire        s_axi_wvalid,
    output wire        s_axi_wready,
    output wire [1:0]  s_axi_bresp,
    output wire        s_axi_bvalid,
    input  wire        s_axi_bready,
    // host port: hold h_req until h_ack (one cycle); the bridge checks the address range
    input  wire        h_req,
    input  wire        h_we,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0] h_addr,  // word-aligned, inside the window (checked by the bridge)
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [31:0] h_wdata,
    output wire [31:0] h_rdata,
    output wire        h_ack
);
    localparam AB = $clog2(BYTES);  // byte address bits in_window the window
    localparam AW = AB - 3;         // word address bits
    localparam S_IDLE = 3'd0, S_RD = 3'd1, S_WR = 3'd2, S_WRESP = 3'd3, S_HOST = 3'd4,
               S_HACK = 3'd5;

    reg [2:0]  st;
    reg        pref_rd;  // alternate reads and writes when both wait
    reg [31:0] addr;     // current beat address of a burst
    reg [8:0]  rleft;    // read beats still to fetch
    reg        rvalid, rlast;
    reg [1:0]  rresp;
    reg        werr;

    /* verilator lint_off UNUSEDSIGNAL */
    function in_window;
        input [31:0] a;
    /* verilator lint_on UNUSEDSIGNAL */
        in_window = a[31:AB] == BASE[31:AB];
    endfunction

    wire idle     = st == S_IDLE;
    wire grant_rd = idle && !h_req && s_axi_arvalid && (pref_rd || !s_axi_awvalid);
    wire grant_wr = idle && !h_req && s_axi_awvalid && !grant_rd;
    wire issue    = st == S_RD && rleft != 0 && (!rvalid || s_axi_rready);
    wire wbeat    = st == S_WR && s_axi_wvalid;

    assign s_axi_arready = grant_rd;
    assign s_axi_awready = grant_wr;
    assign s_axi_rvalid  = rvalid;
    assign s_axi_rlast   = rlast;
    assign s_axi_rresp   = rresp;
    assign s_axi_rdata   = rresp == 2'b00 ? ram_rdata : 64'd0;
    assign s_axi_wready  = st == S_WR;
    assign s_axi_bvalid  = st == S_WRESP;
    assign s_axi_bresp   = werr ? 2'b11 : 2'b00;
    assign h_ack         = st == S_HACK;
    assign h_rdata       = h_addr[2] ? ram_rdata[63:32] : ram_rdata[31:0];

    // the one RAM port
    wire [63:0] ram_rdata;
    wire        ram_en = issue || wbeat || st == S_HOST;
    wire [AW-1:0] ram_addr = st == S_HOST ? h_addr[AB-1:3] : addr[AB-1:3];
    wire [7:0]  ram_we = wbeat ? (s_axi_wstrb & {8{in_window(addr)}}) :
                         (st == S_HOST && h_we) ? (h_addr[2] ? 8'hF0 : 8'h0F) : 8'h00;
    wire [63:0] ram_wdata = st == S_HOST ? {h_wdata, h_wdata} : s_axi_wdata;

    hq_board_ram #(.AW(AW)) u_ram (
        .clk(clk), .en(ram_en), .we(ram_we), .addr(ram_addr), .wdata(ram_wdata),
        .rdata(ram_rdata));

    always @(posedge clk) begin
        if (rst) begin
            st      <= S_IDLE;
            pref_rd <= 1'b1;
            addr    <= 32'd0;
            rleft   <= 9'd0;
            rvalid  <= 1'b0;
            rlast   <= 1'b0;
            rresp   <= 2'b00;
            werr    <= 1'b0;
        end else begin
            case (st)
            S_IDLE:
                if (h_req) st <= S_HOST;
                else if (grant_rd) begin
                    st      <= S_RD;
                    addr    <= s_axi_araddr;
                    rleft   <= {1'b0, s_axi_arlen} + 9'd1;
                    pref_rd <= 1'b0;
                end else if (grant_wr) begin
                    st      <= S_WR;
                    addr    <= s_axi_awaddr;
                    werr    <= 1'b0;
                    pref_rd <= 1'b1;
                end
            S_RD: begin
                if (issue) begin
                    rvalid <= 1'b1;
                    rlast  <= rleft == 9'd1;
                    rresp  <= in_window(addr) ? 2'b00 : 2'b11;
                    rleft  <= rleft - 1'b1;
                    addr   <= addr + 32'd8;
                end else if (rvalid && s_axi_rready) rvalid <= 1'b0;
                if (rvalid && s_axi_rready && rlast) st <= S_IDLE;
            end
            S_WR:
                if (wbeat) begin
                    if (!in_window(addr)) werr <= 1'b1;
                    addr <= addr + 32'd8;
                    if (s_axi_wlast) st <= S_WRESP;
                end
            S_WRESP:
                if (s_axi_bready) st <= S_IDLE;
            S_HOST:
                st <= S_HACK;
            default:  // S_HACK: h_rdata valid this cycle, the bridge drops h_req
                st <= S_IDLE;
            endcase
        end
    end
endmodule
