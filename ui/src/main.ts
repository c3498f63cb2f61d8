import { mount } from "svelte";
import Queue from "./Queue.svelte";

const target = document.getElementById("app");
if (target) mount(Queue, { target });
