// kubeid CLI entry point (skeleton).
process.stdout.write('kubeid\n');
