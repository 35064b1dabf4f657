// Unsigned division one quotient bit per cycle (restoring): q = a / b, W cycles after start.
// The command unit's descriptor checks use it instead of a combinational divider, which was
// the longest path of the accelerator on an FPGA (docs/fpga.md). b = 0 gives all ones.
`default_nettype none
module hq_udiv_seq #(
    parameter W = 17,                      // dividend and quotient bits
    parameter D = 8                        // divisor bits
) (
    input  wire         clk,
    input  wire         start,             // latch a and b; q is valid W cycles later
    input  wire [W-1:0] a,
    input  wire [D-1:0] b,
    output reg  [W-1:0] q,                 // the dividend shifts out as the quotient shifts in
    output wire         busy
);
    reg [D-1:0] bq;
    reg [D-1:0] rem;
    reg [$clog2(W + 1)-1:0] left;          // quotient bits still to compute
    wire [D:0]  shifted = {rem, q[W-1]};
    wire        take    = shifted >= {1'b0, bq};
    wire [D:0]  diff    = shifted - {1'b0, bq};
    assign busy = left != 0;

    always @(posedge clk) begin
        if (start) begin
            q    <= a;
            bq   <= b;
            rem  <= {D{1'b0}};
            left <= W[$clog2(W + 1)-1:0];
        end else if (busy) begin
            q    <= {q[W-2:0], take};
            rem  <= take ? diff[D-1:0] : shifted[D-1:0];
            left <= left - 1'b1;
        end
    end
    wire unused = diff[D];
endmodule
`default_nettype wire
