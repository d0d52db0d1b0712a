// Synchronous writes: process.stdout.write to a pipe would queue in memory (MLE) instead.
const fs = require("fs");
const line = "9".repeat(1000) + "\n";
for (;;) fs.writeSync(1, line);
