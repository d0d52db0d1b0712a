<?php echo intval(fgets(STDIN)) + 42, "\n";
