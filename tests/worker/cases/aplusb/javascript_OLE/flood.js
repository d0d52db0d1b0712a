const line = "9".repeat(1000) + "\n";
for (;;) process.stdout.write(line);
