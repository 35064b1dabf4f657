// Small synchronous show-ahead FIFO (DEPTH a power of two), registers only.
`default_nettype none
module sync_fifo #(
    parameter W     = 8,
    parameter DEPTH = 8
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         wr_en,     // caller guarantees !full
    input  wire [W-1:0] wr_data,
    input  wire         rd_en,     // caller guarantees !empty
    output wire [W-1:0] rd_data,
    output wire         empty
);
    localparam AW = $clog2(DEPTH);
    reg [W-1:0]  mem [0:DEPTH-1];
    reg [AW:0]   wr_ptr, rd_ptr;
    always @(posedge clk) begin
        if (rst) begin
            wr_ptr <= {(AW+1){1'b0}};
            rd_ptr <= {(AW+1){1'b0}};
        end else begin
            if (wr_en) begin
                mem[wr_ptr[AW-1:0]] <= wr_data;
                wr_ptr <= wr_ptr + {{AW{1'b0}}, 1'b1};
            end
            if (rd_en)
                rd_ptr <= rd_ptr + {{AW{1'b0}}, 1'b1};
        end
    end
    assign rd_data = mem[rd_ptr[AW-1:0]];
    assign empty   = (wr_ptr == rd_ptr);
endmodule
`default_nettype wire
