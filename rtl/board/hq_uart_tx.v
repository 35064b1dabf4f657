// hq_uart_tx: 8N1 UART transmitter for the board's FTDI serial line (docs/board.md).
// `valid` with `ready` high starts a byte; `ready` is low until its stop bit has been sent.
`default_nettype none
module hq_uart_tx #(
    parameter CLKS_PER_BIT = 25  // clock cycles per bit (25 MHz / 1 Mbaud)
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] data,
    input  wire       valid,
    output wire       ready,
    output reg        tx
);
    localparam CW = $clog2(CLKS_PER_BIT + 1);
    localparam integer FULL_I = CLKS_PER_BIT - 1;
    localparam [CW-1:0] FULL = FULL_I[CW-1:0];  // a bit's last count
    reg          busy;
    reg [CW-1:0] cnt;
    reg [3:0]    nbit;   // bits left: start, 8 data, stop
    reg [8:0]    shift;  // {stop, data}; the start bit is driven when the byte is taken

    assign ready = !busy;

    always @(posedge clk) begin
        if (rst) begin
            busy  <= 1'b0;
            cnt   <= 0;
            nbit  <= 4'd0;
            shift <= 9'h1FF;
            tx    <= 1'b1;
        end else if (!busy) begin
            tx <= 1'b1;
            if (valid) begin
                busy  <= 1'b1;
                tx    <= 1'b0;  // start bit
                shift <= {1'b1, data};
                cnt   <= FULL;
                nbit  <= 4'd9;
            end
        end else if (cnt != 0) begin
            cnt <= cnt - 1'b1;
        end else if (nbit != 0) begin
            tx    <= shift[0];
            shift <= {1'b1, shift[8:1]};
            cnt   <= FULL;
            nbit  <= nbit - 1'b1;
        end else begin
            busy <= 1'b0;  // the stop bit has had its full time
        end
    end
endmodule
