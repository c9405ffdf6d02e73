// What the mini-program collects and why. Static text: it must be readable before anyone signs in.
Component({
  methods: {},
});
