// Register block of docs/regmap.md behind an AXI4-Lite slave (32-bit aligned word accesses;
// a misaligned or partial access, or an offset outside the map, gets SLVERR; writes to
// read-only registers are ignored), as model/accel/csr_block.cpp: START latches DESC_ADDR and
// DESC_COUNT, is refused with ERR_BUSY while busy and with ERR_BAD_CMD for a bad command;
// irq = |(IRQ_STATUS & IRQ_ENABLE); 64-bit counters whose LO read latches HI.
`default_nettype none
`include "hq_accel_regmap.vh"
module hq_accel_csr #(
    parameter [31:0] HW_CONFIG = 32'd0,
    parameter [31:0] LAYOUTS   = 32'd0
) (
    input  wire        clk,
    input  wire        rst,
    // AXI4-Lite slave
    input  wire [7:0]  s_awaddr,
    input  wire        s_awvalid,
    output wire        s_awready,
    input  wire [31:0] s_wdata,
    input  wire [3:0]  s_wstrb,
    input  wire        s_wvalid,
    output wire        s_wready,
    output reg  [1:0]  s_bresp,
    output reg         s_bvalid,
    input  wire        s_bready,
    input  wire [7:0]  s_araddr,
    input  wire        s_arvalid,
    output wire        s_arready,
    output reg  [31:0] s_rdata,
    output reg  [1:0]  s_rresp,
    output reg         s_rvalid,
    input  wire        s_rready,
    output wire        irq,
    // command to the controller
    output reg         start,
    output reg  [31:0] start_addr,
    output reg  [8:0]  start_count,
    input  wire        finish,            // the command ended (pulse)
    input  wire [7:0]  finish_err,
    input  wire [31:0] finish_desc,
    input  wire [31:0] finish_addr,
    // counter increments (per cycle)
    input  wire        busy_cycle,
    input  wire        inc_compute,
    input  wire        inc_stall_dram,
    input  wire        inc_stall_dec,
    input  wire        inc_stall_out,
    input  wire        inc_output,        // output phase, nothing else counted
    input  wire        inc_control,       // busy and no other class
    input  wire        inc_rd_stall,      // the read path waits for R data
    input  wire [15:0] add_rd,
    input  wire [31:0] add_wr,
    input  wire [15:0] add_weight,
    input  wire [31:0] add_macs,
    input  wire        inc_layers
);
    reg [31:0] status, irq_enable, irq_status, desc_addr, desc_count, err_desc, err_addr;
    reg [31:0] hi_latch;
    reg [31:0] irq_n;                    // IRQ_STATUS being updated this cycle
    reg [63:0] c_cycles, c_compute, c_dram, c_dec, c_out, c_rd, c_wr, c_weight, c_macs;
    reg [31:0] c_layers;
    reg [63:0] c_output, c_control, c_rd_stall;
    wire busy = status[0];
    assign irq = |(irq_status & irq_enable);

    // ---- register read (combinational decode) ----
    reg [31:0] rv;
    reg        rok, rlo;
    reg [63:0] rwide;
    always @* begin
        rok = 1'b1;
        rlo = 1'b0;
        rv  = 32'd0;
        rwide = 64'd0;
        case (s_araddr)
            `HQ_ACCEL_REG_ID:         rv = `HQ_ACCEL_ID_VALUE;
            `HQ_ACCEL_REG_VERSION:    rv = `HQ_ACCEL_VERSION_VALUE;
            `HQ_ACCEL_REG_CTRL:       rv = 32'd0;
            `HQ_ACCEL_REG_STATUS:     rv = status;
            `HQ_ACCEL_REG_IRQ_ENABLE: rv = irq_enable;
            `HQ_ACCEL_REG_IRQ_STATUS: rv = irq_status;
            `HQ_ACCEL_REG_DESC_ADDR:  rv = desc_addr;
            `HQ_ACCEL_REG_DESC_COUNT: rv = desc_count;
            `HQ_ACCEL_REG_ERR_DESC:   rv = err_desc;
            `HQ_ACCEL_REG_ERR_ADDR:   rv = err_addr;
            `HQ_ACCEL_REG_HW_CONFIG:  rv = HW_CONFIG;
            `HQ_ACCEL_REG_LAYOUTS:    rv = LAYOUTS;
            `HQ_ACCEL_REG_CYCLES_LO:     begin rlo = 1'b1; rwide = c_cycles;  end
            `HQ_ACCEL_REG_COMPUTE_LO:    begin rlo = 1'b1; rwide = c_compute; end
            `HQ_ACCEL_REG_STALL_DRAM_LO: begin rlo = 1'b1; rwide = c_dram;    end
            `HQ_ACCEL_REG_STALL_DEC_LO:  begin rlo = 1'b1; rwide = c_dec;     end
            `HQ_ACCEL_REG_STALL_OUT_LO:  begin rlo = 1'b1; rwide = c_out;     end
            `HQ_ACCEL_REG_DRAM_RD_LO:    begin rlo = 1'b1; rwide = c_rd;      end
            `HQ_ACCEL_REG_DRAM_WR_LO:    begin rlo = 1'b1; rwide = c_wr;      end
            `HQ_ACCEL_REG_WEIGHT_RD_LO:  begin rlo = 1'b1; rwide = c_weight;  end
            `HQ_ACCEL_REG_MACS_LO:       begin rlo = 1'b1; rwide = c_macs;    end
            `HQ_ACCEL_REG_OUTPUT_LO:     begin rlo = 1'b1; rwide = c_output;  end
            `HQ_ACCEL_REG_CONTROL_LO:    begin rlo = 1'b1; rwide = c_control; end
            `HQ_ACCEL_REG_RD_STALL_LO:   begin rlo = 1'b1; rwide = c_rd_stall; end
            `HQ_ACCEL_REG_CYCLES_HI, `HQ_ACCEL_REG_COMPUTE_HI, `HQ_ACCEL_REG_STALL_DRAM_HI,
            `HQ_ACCEL_REG_STALL_DEC_HI, `HQ_ACCEL_REG_STALL_OUT_HI, `HQ_ACCEL_REG_DRAM_RD_HI,
            `HQ_ACCEL_REG_DRAM_WR_HI, `HQ_ACCEL_REG_WEIGHT_RD_HI, `HQ_ACCEL_REG_MACS_HI,
            `HQ_ACCEL_REG_OUTPUT_HI, `HQ_ACCEL_REG_CONTROL_HI, `HQ_ACCEL_REG_RD_STALL_HI:
                rv = hi_latch;
            `HQ_ACCEL_REG_LAYERS:     rv = c_layers;
            default:                  rok = 1'b0;
        endcase
        if (rlo) rv = rwide[31:0];
    end

    // write decode: is the offset in the map (a read-only one is ignored, not an error)
    reg wknown;
    always @* begin
        case (s_awaddr)
            `HQ_ACCEL_REG_ID, `HQ_ACCEL_REG_VERSION, `HQ_ACCEL_REG_CTRL, `HQ_ACCEL_REG_STATUS,
            `HQ_ACCEL_REG_IRQ_ENABLE, `HQ_ACCEL_REG_IRQ_STATUS, `HQ_ACCEL_REG_DESC_ADDR,
            `HQ_ACCEL_REG_DESC_COUNT, `HQ_ACCEL_REG_ERR_DESC, `HQ_ACCEL_REG_ERR_ADDR,
            `HQ_ACCEL_REG_HW_CONFIG, `HQ_ACCEL_REG_LAYOUTS, `HQ_ACCEL_REG_CYCLES_LO,
            `HQ_ACCEL_REG_CYCLES_HI, `HQ_ACCEL_REG_COMPUTE_LO, `HQ_ACCEL_REG_COMPUTE_HI,
            `HQ_ACCEL_REG_STALL_DRAM_LO, `HQ_ACCEL_REG_STALL_DRAM_HI,
            `HQ_ACCEL_REG_STALL_DEC_LO, `HQ_ACCEL_REG_STALL_DEC_HI,
            `HQ_ACCEL_REG_STALL_OUT_LO, `HQ_ACCEL_REG_STALL_OUT_HI,
            `HQ_ACCEL_REG_DRAM_RD_LO, `HQ_ACCEL_REG_DRAM_RD_HI, `HQ_ACCEL_REG_DRAM_WR_LO,
            `HQ_ACCEL_REG_DRAM_WR_HI, `HQ_ACCEL_REG_WEIGHT_RD_LO, `HQ_ACCEL_REG_WEIGHT_RD_HI,
            `HQ_ACCEL_REG_MACS_LO, `HQ_ACCEL_REG_MACS_HI, `HQ_ACCEL_REG_LAYERS,
            `HQ_ACCEL_REG_OUTPUT_LO, `HQ_ACCEL_REG_OUTPUT_HI, `HQ_ACCEL_REG_CONTROL_LO,
            `HQ_ACCEL_REG_CONTROL_HI, `HQ_ACCEL_REG_RD_STALL_LO, `HQ_ACCEL_REG_RD_STALL_HI:
                wknown = 1'b1;
            default: wknown = 1'b0;
        endcase
    end

    // ---- AXI4-Lite handshakes: a write takes its address and data together ----
    wire do_w = s_awvalid && s_wvalid && !s_bvalid;
    wire do_r = s_arvalid && !s_rvalid;
    assign s_awready = do_w;
    assign s_wready  = do_w;
    assign s_arready = do_r;
    wire w_ok = wknown && s_awaddr[1:0] == 2'b00 && s_wstrb == 4'hF;
    wire r_ok = rok && s_araddr[1:0] == 2'b00;
    wire [7:0] waddr = s_awaddr;
    localparam [31:0] ERRF = 32'h0000FF00;
    localparam [31:0] MAXD = `HQ_ACCEL_MAX_DESC;

    // IRQ_STATUS: a W1C write clears the old causes, a cause raised in the same cycle stays
    wire start_wr = do_w && w_ok && waddr == `HQ_ACCEL_REG_CTRL && s_wdata[0];
    wire bad_cmd  = desc_count == 32'd0 || desc_count > MAXD || desc_addr[5:0] != 6'd0;
    always @* begin
        irq_n = irq_status;
        if (do_w && w_ok && waddr == `HQ_ACCEL_REG_IRQ_STATUS) irq_n = irq_n & ~s_wdata;
        if (finish)
            irq_n = irq_n | ((finish_err != 8'd0) ? `HQ_ACCEL_IRQ_ERROR : `HQ_ACCEL_IRQ_DONE);
        if (start_wr && (busy || bad_cmd)) irq_n = irq_n | `HQ_ACCEL_IRQ_ERROR;
    end

    always @(posedge clk) begin
        start <= 1'b0;
        if (rst) begin
            s_bvalid <= 1'b0;
            s_rvalid <= 1'b0;
            status <= 32'd0;
            irq_enable <= 32'd0;
            irq_status <= 32'd0;
            desc_addr <= 32'd0;
            desc_count <= 32'd0;
            err_desc <= 32'd0;
            err_addr <= 32'd0;
            hi_latch <= 32'd0;
            c_cycles <= 64'd0; c_compute <= 64'd0; c_dram <= 64'd0; c_dec <= 64'd0;
            c_out <= 64'd0; c_rd <= 64'd0; c_wr <= 64'd0; c_weight <= 64'd0; c_macs <= 64'd0;
            c_layers <= 32'd0;
            c_output <= 64'd0; c_control <= 64'd0; c_rd_stall <= 64'd0;
        end else begin
            // counters first: a PERF_CLEAR in the same cycle wins below
            if (busy_cycle)     c_cycles  <= c_cycles + 64'd1;
            if (inc_compute)    c_compute <= c_compute + 64'd1;
            if (inc_stall_dram) c_dram    <= c_dram + 64'd1;
            if (inc_stall_dec)  c_dec     <= c_dec + 64'd1;
            if (inc_stall_out)  c_out     <= c_out + 64'd1;
            c_rd     <= c_rd + {48'd0, add_rd};
            c_wr     <= c_wr + {32'd0, add_wr};
            c_weight <= c_weight + {48'd0, add_weight};
            c_macs   <= c_macs + {32'd0, add_macs};
            if (inc_layers) c_layers <= c_layers + 32'd1;
            if (inc_output)   c_output   <= c_output + 64'd1;
            if (inc_control)  c_control  <= c_control + 64'd1;
            if (inc_rd_stall) c_rd_stall <= c_rd_stall + 64'd1;
            // the command's end
            if (finish) begin
                if (finish_err != 8'd0) begin
                    status     <= `HQ_ACCEL_STATUS_ERROR | {16'd0, finish_err, 8'd0};
                    err_desc   <= finish_desc;
                    err_addr   <= finish_addr;
                end else begin
                    status     <= `HQ_ACCEL_STATUS_DONE;
                end
            end
            // reads
            if (do_r) begin
                s_rvalid <= 1'b1;
                s_rresp  <= r_ok ? 2'b00 : 2'b10;
                s_rdata  <= r_ok ? rv : 32'd0;
                if (r_ok && rlo) hi_latch <= rwide[63:32];
            end else if (s_rvalid && s_rready) begin
                s_rvalid <= 1'b0;
            end
            // writes
            if (do_w) begin
                s_bvalid <= 1'b1;
                s_bresp  <= w_ok ? 2'b00 : 2'b10;
                if (w_ok) begin
                    case (waddr)
                        `HQ_ACCEL_REG_CTRL: begin
                            if (s_wdata[1]) begin
                                c_cycles <= 64'd0; c_compute <= 64'd0; c_dram <= 64'd0;
                                c_dec <= 64'd0; c_out <= 64'd0; c_rd <= 64'd0; c_wr <= 64'd0;
                                c_weight <= 64'd0; c_macs <= 64'd0; c_layers <= 32'd0;
                                c_output <= 64'd0; c_control <= 64'd0; c_rd_stall <= 64'd0;
                            end
                            if (s_wdata[0]) begin
                                if (busy) begin
                                    status <= (status & ~ERRF) | `HQ_ACCEL_STATUS_ERROR |
                                              (`HQ_ACCEL_ERR_BUSY << `HQ_ACCEL_STATUS_ERR_SHIFT);
                                                end else if (bad_cmd) begin
                                    status <= `HQ_ACCEL_STATUS_ERROR |
                                              (`HQ_ACCEL_ERR_BAD_CMD << `HQ_ACCEL_STATUS_ERR_SHIFT);
                                    err_desc   <= 32'd0;
                                    err_addr   <= desc_addr;
                                                end else begin
                                    start       <= 1'b1;
                                    start_addr  <= desc_addr;
                                    start_count <= desc_count[8:0];
                                    status      <= `HQ_ACCEL_STATUS_BUSY;
                                    err_desc    <= 32'd0;
                                    err_addr    <= 32'd0;
                                end
                            end
                        end
                        `HQ_ACCEL_REG_IRQ_ENABLE: irq_enable <= s_wdata & 32'd3;
                        `HQ_ACCEL_REG_IRQ_STATUS: ;
                        `HQ_ACCEL_REG_DESC_ADDR:  desc_addr <= s_wdata;
                        `HQ_ACCEL_REG_DESC_COUNT: desc_count <= s_wdata;
                        default: ;
                    endcase
                end
            end else if (s_bvalid && s_bready) begin
                s_bvalid <= 1'b0;
            end
            irq_status <= irq_n;
        end
    end
endmodule
`default_nettype wire
