/* Placeholder for 'hqsim pack': the engineer who owns this subcommand replaces this file. */
#include "commands.h"

#include <stdio.h>

int cmd_pack(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "hqsim pack: not available in this build\n");
    return 2;
}
