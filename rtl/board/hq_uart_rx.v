// hq_uart_rx: 8N1 UART receiver for the board's FTDI serial line (docs/board.md). The line is
// synchronized (two flip-flops), each bit sampled in its middle; a byte whose stop bit is low
// (framing error, or a break) is dropped, so line noise never reaches the bridge as data.
`default_nettype none
module hq_uart_rx #(
    parameter CLKS_PER_BIT = 25  // clock cycles per bit (25 MHz / 1 Mbaud)
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,
    output reg  [7:0] data,
    output reg        valid      // one cycle per received byte
);
    localparam CW = $clog2(CLKS_PER_BIT + 1);
    localparam integer FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];  // a bit's last count
    localparam integer HALF_I = CLKS_PER_BIT / 2;
    localparam [CW-1:0] HALF = HALF_I[CW-1:0];  // to the middle of the start bit
    localparam S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;
    reg          rx_m, rx_s;
    reg [1:0]    state;
    reg [CW-1:0] cnt;
    reg [2:0]    nbit;
    reg [7:0]    shift;

    always @(posedge clk) begin
        if (rst) begin
            rx_m  <= 1'b1;
            rx_s  <= 1'b1;
            state <= S_IDLE;
            cnt   <= 0;
            nbit  <= 3'd0;
            shift <= 8'd0;
            data  <= 8'd0;
            valid <= 1'b0;
        end else begin
            rx_m  <= rx;
            rx_s  <= rx_m;
            valid <= 1'b0;
            case (state)
            S_IDLE:
                if (!rx_s) begin
                    state <= S_START;
                    cnt   <= HALF;
                end
            S_START:  // middle of the start bit: still low, else a glitch
                if (cnt != 0) cnt <= cnt - 1'b1;
                else if (!rx_s) begin
                    state <= S_DATA;
                    cnt   <= FULL;
                    nbit  <= 3'd0;
                end else state <= S_IDLE;
            S_DATA:
                if (cnt != 0) cnt <= cnt - 1'b1;
                else begin
                    shift <= {rx_s, shift[7:1]};  // LSB first
                    cnt   <= FULL;
                    nbit  <= nbit + 1'b1;
                    if (nbit == 3'd7) state <= S_STOP;
                end
            default:  // S_STOP
                if (cnt != 0) cnt <= cnt - 1'b1;
                else begin
                    state <= S_IDLE;
                    if (rx_s) begin
                        data  <= shift;
                        valid <= 1'b1;
                    end
                end
            endcase
        end
    end
endmodule
