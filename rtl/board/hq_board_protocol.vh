// The board's UART protocol constants (docs/board.md, "Protocol"); sw/board/hq_board.py
// holds the same values for the host side, and tests/board checks they agree.
`define HQB_SYNC_REQ          8'hA5
`define HQB_SYNC_RSP          8'h5A
`define HQB_CMD_READ_REG      8'd1
`define HQB_CMD_WRITE_REG     8'd2
`define HQB_CMD_READ_MEM      8'd3
`define HQB_CMD_WRITE_MEM     8'd4
`define HQB_ST_OK             8'd0
`define HQB_ST_CHECKSUM       8'd1
`define HQB_ST_UNKNOWN_CMD    8'd2
`define HQB_ST_BAD_LEN        8'd3
`define HQB_ST_BAD_ADDR       8'd4
`define HQB_ST_BUS_ERROR      8'd5
`define HQB_BOARD_ID          32'h31425148
`define HQB_REG_BASE          32'h100
`define HQB_REG_END           32'h128
`define HQB_REG_ID            32'h100
`define HQB_REG_STATUS        32'h104
`define HQB_REG_MEM_BASE      32'h108
`define HQB_REG_MEM_BYTES     32'h10C
`define HQB_REG_CLK_HZ        32'h110
`define HQB_REG_CLKS_PER_BIT  32'h114
`define HQB_REG_MAX_WORDS     32'h118
`define HQB_REG_RD_STALL_LO   32'h11C
`define HQB_REG_RD_STALL_HI   32'h120
`define HQB_REG_ERRORS        32'h124
